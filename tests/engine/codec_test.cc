// The stored encoding of variable values (engine/facade/codec.h), through the
// instance summary, the smallest record that carries variables: numbers keep
// their exact value whether whole (stored as MessagePack integers since
// schema 5) or not (stored as decimal text), and numbers written as text by
// earlier versions still read back.
#include "facade/codec.h"

#include <gtest/gtest.h>

#include <string>

#include "expr/decimal.h"
#include "expr/value.h"
#include "runtime/instance_summary.h"

namespace {

using bpmn::engine::DecodeSummary;
using bpmn::engine::EncodeSummary;
using bpmn::expr::Decimal;
using bpmn::expr::ToText;
using bpmn::expr::Value;

Value Number(const char* text) { return Value(*Decimal::Parse(text)); }

TEST(Codec, NumbersKeepTheirExactValue) {
  bpmn::runtime::InstanceSummary summary;
  summary.variables = {
      {"amount", Value(50000)},
      {"debt", Value(-7)},
      {"price", Number("12.5")},
      {"tiny", Number("0.000000000000000000000000000001")},
      {"huge", Number("123456789012345678901234567890")},
      {"beyond_int64", Number("9223372036854775808")},
      {"list", Value(bpmn::expr::List{Value(1), Number("2.5")})}};
  auto decoded = DecodeSummary(EncodeSummary(summary));
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->variables.size(), summary.variables.size());
  for (const auto& [name, value] : summary.variables) {
    SCOPED_TRACE(name);
    const Value& back = decoded->variables.at(name);
    EXPECT_EQ(back.type(), value.type());
    EXPECT_EQ(ToText(back), ToText(value));
  }
}

TEST(Codec, NumbersStoredAsTextByEarlierVersionsReadBack) {
  bpmn::runtime::InstanceSummary summary;
  summary.variables = {{"amount", Value(50000)}};
  std::string data = EncodeSummary(summary);
  // [kNumber, 50000] as written now (uint16) and as written before (text).
  const std::string now("\x92\x01\xcd\xc3\x50", 5);
  const std::string before = std::string("\x92\x01\xa5", 3) + "50000";
  const auto at = data.find(now);
  ASSERT_NE(at, std::string::npos);
  data.replace(at, now.size(), before);
  auto decoded = DecodeSummary(data);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(ToText(decoded->variables.at("amount")), "50000");
  EXPECT_EQ(EncodeSummary(*decoded), EncodeSummary(summary));
}

}  // namespace
