// The text layer: encoding detection, transcoding to UTF-8, refusal of invalid
// bytes with their line, and offsets to line/column in characters.
#include "parser/xml_text.h"

#include <gtest/gtest.h>

namespace {

using bpmn::parser::DecodeToUtf8;
using bpmn::parser::LineMap;

TEST(XmlText, Utf8BomIsDropped) {
  EXPECT_EQ(*DecodeToUtf8("\xEF\xBB\xBF<a/>"), "<a/>");
}

TEST(XmlText, InvalidUtf8NamesTheLine) {
  auto r = DecodeToUtf8(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\n<b>kl\xE4ren</b></a>");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 3u);
  EXPECT_NE(r.error().message.find("UTF-8"), std::string::npos);
}

TEST(XmlText, OverlongAndSurrogateSequencesAreInvalid) {
  EXPECT_NE(bpmn::FindInvalidUtf8("\xC0\xAF"), std::string::npos);
  EXPECT_NE(bpmn::FindInvalidUtf8("\xED\xA0\x80"), std::string::npos);
  EXPECT_EQ(bpmn::FindInvalidUtf8("\xD0\x97\xE2\x82\xAC\xF0\x9F\x98\x80"),
            std::string::npos);
}

TEST(XmlText, Windows1252MapsTypographicBytes) {
  auto r = DecodeToUtf8(
      "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\x80 \x93x\x94</a>");
  ASSERT_TRUE(r);
  EXPECT_NE(r->find("\xE2\x82\xAC \xE2\x80\x9Cx\xE2\x80\x9D"),
            std::string::npos);
}

TEST(XmlText, Latin1IsTranscoded) {
  auto r =
      DecodeToUtf8("<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE4</a>");
  ASSERT_TRUE(r);
  EXPECT_NE(r->find("\xC3\xA4"), std::string::npos);
}

TEST(XmlText, Utf16BigEndianWithoutBomIsDetected) {
  std::string be("\0<\0?\0x\0m\0l\0 \0?\0>\0\n\0<\0a\0/\0>", 26);
  auto r = DecodeToUtf8(be);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "<?xml ?>\n<a/>");
}

TEST(XmlText, UnsupportedEncodingIsRefused) {
  auto r = DecodeToUtf8("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a/>");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("shift_jis"), std::string::npos);
}

TEST(XmlText, ColumnsCountCharactersNotBytes) {
  std::string text = "ab\n\xD0\x97\xD0\xB0<x/>";
  LineMap lines(text);
  auto p = lines.At(text.find('<'));
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.column, 3u);
  EXPECT_EQ(lines.At(0).line, 1u);
  EXPECT_EQ(lines.At(0).column, 1u);
}

TEST(XmlText, LoneCarriageReturnsEndLines) {
  std::string text = "a\rb\r\nc\n<x/>";
  LineMap lines(text);
  EXPECT_EQ(lines.At(text.find('<')).line, 4u);
  EXPECT_EQ(lines.At(text.find('b')).line, 2u);
}

}  // namespace
