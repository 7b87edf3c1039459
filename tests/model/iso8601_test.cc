// ISO 8601 as timers and due dates write it: what parses, to what, and what is
// refused.
#include "model/iso8601.h"

#include <gtest/gtest.h>

namespace {

using bpmn::model::ParseIsoDateTime;
using bpmn::model::ParseIsoDuration;
using bpmn::model::ParseTimer;
using bpmn::model::TimerKind;

TEST(Iso8601, DateTimesWithOffsetsAreUtc) {
  auto t = ParseIsoDateTime("2026-03-02T09:00:00+03:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(bpmn::model::FormatTimePoint(*t), "2026-03-02T06:00:00Z");
  EXPECT_EQ(
      bpmn::model::FormatTimePoint(*ParseIsoDateTime("2026-01-05T09:00:00Z")),
      "2026-01-05T09:00:00Z");
  EXPECT_EQ(bpmn::model::FormatTimePoint(
                *ParseIsoDateTime("2026-01-05T09:00:00.250-0130")),
            "2026-01-05T10:30:00.250Z");
  EXPECT_EQ(bpmn::model::FormatTimePoint(*ParseIsoDateTime("2024-02-29")),
            "2024-02-29T00:00:00Z");
}

TEST(Iso8601, BadDateTimesAreRefused) {
  for (const char* bad : {"2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-01-01T25:00:00Z", "2026-01-01T09:00:00+3",
                          "tomorrow", "2026-1-1", "2026-01-01T09:00Zx"}) {
    EXPECT_FALSE(ParseIsoDateTime(bad)) << bad;
  }
}

TEST(Iso8601, Durations) {
  auto d = ParseIsoDuration("P1DT2H30M");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->FixedMilliseconds(), (24 + 2) * 3600000LL + 30 * 60000LL);
  EXPECT_EQ(d->ToIso(), "P1DT2H30M");
  EXPECT_EQ(ParseIsoDuration("PT0.25S")->FixedMilliseconds(), 250);
  EXPECT_EQ(ParseIsoDuration("P2W")->FixedMilliseconds(), 14 * 86400000LL);
  EXPECT_EQ(ParseIsoDuration("PT16H")->Describe(), "16 hours");
  EXPECT_TRUE(ParseIsoDuration("P1Y2M")->HasCalendarUnits());
}

TEST(Iso8601, BadDurationsAreRefused) {
  for (const char* bad : {"P", "PT", "P2X", "PT1H2D", "P1M1Y", "2D", "P1.5D",
                          "PT1.5H30M", "P-1D"}) {
    EXPECT_FALSE(ParseIsoDuration(bad)) << bad;
  }
}

TEST(Iso8601, HugeFieldsAreRefusedNotOverflowed) {
  EXPECT_FALSE(ParseIsoDuration("P99999999999W"));
  EXPECT_FALSE(ParseIsoDuration("P20000Y"));
  EXPECT_FALSE(ParseTimer(TimerKind::kCycle, "R/P99999999999D"));
  auto biggest = ParseIsoDuration("P99999999WT99999999H");
  ASSERT_TRUE(biggest);
  EXPECT_GT(biggest->FixedMilliseconds(), 0);
}

TEST(Iso8601, MonthsAddOnTheCalendar) {
  auto start = *ParseIsoDateTime("2026-01-31T10:00:00Z");
  EXPECT_EQ(bpmn::model::FormatTimePoint(ParseIsoDuration("P1M")->AddTo(start)),
            "2026-02-28T10:00:00Z");
  EXPECT_EQ(
      bpmn::model::FormatTimePoint(ParseIsoDuration("P1Y1DT1H")->AddTo(start)),
      "2027-02-01T11:00:00Z");
}

TEST(Iso8601, Cycles) {
  auto c = ParseTimer(TimerKind::kCycle, "R3/PT10H");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->repetitions, 3);
  EXPECT_FALSE(c->date);
  EXPECT_EQ(c->Describe(), "every 10 hours, 3 times");
  auto unbounded = ParseTimer(TimerKind::kCycle, "R/2026-01-01T09:00:00Z/P1D");
  ASSERT_TRUE(unbounded);
  EXPECT_EQ(unbounded->repetitions, -1);
  EXPECT_EQ(unbounded->Describe(),
            "every 1 day from 2026-01-01T09:00:00Z, without end");
  auto between = ParseTimer(TimerKind::kCycle,
                            "R2/2026-01-01T09:00:00Z/2026-01-03T09:00:00Z");
  ASSERT_TRUE(between);
  EXPECT_EQ(between->duration.FixedMilliseconds(), 2 * 86400000LL);
  for (const char* bad :
       {"R3", "R3/PTXH", "Rx/PT1H", "R/PT0S",
        "R/2026-01-02T00:00:00Z/2026-01-01T00:00:00Z", "3/PT1H"}) {
    EXPECT_FALSE(ParseTimer(TimerKind::kCycle, bad)) << bad;
  }
}

TEST(Iso8601, ErrorsSayWhatWasExpected) {
  auto d = ParseIsoDuration("P2X");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("'P2X'"), std::string::npos);
  EXPECT_NE(d.error().message.find("expected e.g. P2DT4H"), std::string::npos);
}

}  // namespace
