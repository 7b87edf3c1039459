// Working calendars and escalation policies: due times an office would
// compute by hand, across evenings, weekends, the 2026 Russian holidays,
// shortened days and a change to summer time.
#include "model/calendar.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "model/escalation_policy.h"
#include "model/iso8601.h"

namespace {

using bpmn::model::Calendar;
using bpmn::model::EscalationStep;
using std::chrono::hours;

bpmn::TimePoint At(const char* text) {
  return *bpmn::model::ParseIsoDateTime(text);
}

std::shared_ptr<const Calendar> Ru5x8() {
  std::ifstream in(std::string(BPMN_SAMPLES_DIR) + "/calendars/ru-5x8.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto calendar = Calendar::FromYaml(text.str(), "ru-5x8");
  EXPECT_TRUE(calendar) << calendar.error().message;
  return calendar ? *calendar : nullptr;
}

TEST(Calendar, SixteenWorkingHoursFromFridayEveningSkipTheHolidayMonday) {
  auto c = Ru5x8();
  ASSERT_TRUE(c);
  // Friday 6 March 17:00: one hour left that day; Monday 9 March is the day
  // off for 8 March; Tuesday gives 8 hours; Wednesday the remaining 7 end at
  // 17:00 (with the lunch hour).
  EXPECT_EQ(c->AddWorkingTime(At("2026-03-06T17:00:00+03:00"), hours(16)),
            At("2026-03-11T17:00:00+03:00"));
}

TEST(Calendar, TheNewYearHolidaysAndTheMovedDayOff) {
  auto c = Ru5x8();
  ASSERT_TRUE(c);
  // 1-9 January are days off (3 January moved to Friday 9 January), then a
  // weekend: the first working hour of 2026 starts on Monday 12 January.
  EXPECT_EQ(c->AddWorkingTime(At("2026-01-01T10:00:00+03:00"), hours(1)),
            At("2026-01-12T10:00:00+03:00"));
  // 31 December 2026 is a day off too (4 January moved there).
  EXPECT_FALSE(c->IsWorking(At("2026-12-31T10:00:00+03:00")));
  EXPECT_TRUE(c->IsWorking(At("2026-12-30T10:00:00+03:00")));
}

TEST(Calendar, AShortenedDayBeforeAHoliday) {
  auto c = Ru5x8();
  ASSERT_TRUE(c);
  // Thursday 30 April ends at 17:00; 1 May is a holiday, then the weekend.
  EXPECT_EQ(c->AddWorkingTime(At("2026-04-30T16:00:00+03:00"), hours(2)),
            At("2026-05-04T10:00:00+03:00"));
  EXPECT_FALSE(c->IsWorking(At("2026-04-30T17:30:00+03:00")));
}

TEST(Calendar, LunchAndNightsAreNotWorkingTime) {
  auto c = Ru5x8();
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->IsWorking(At("2026-03-10T13:30:00+03:00")));
  EXPECT_FALSE(c->IsWorking(At("2026-03-10T20:00:00+03:00")));
  EXPECT_TRUE(c->IsWorking(At("2026-03-10T09:00:00+03:00")));
  // Starting at night counts from the next morning.
  EXPECT_EQ(c->AddWorkingTime(At("2026-03-10T22:00:00+03:00"), hours(4)),
            At("2026-03-11T13:00:00+03:00"));
}

TEST(Calendar, WorkingHoursAcrossTheChangeToSummerTime) {
  auto c = Calendar::FromYaml(
      "zone: Europe/Berlin\n"
      "week: { mon: \"09:00-18:00\", tue: \"09:00-18:00\", wed: "
      "\"09:00-18:00\", thu: \"09:00-18:00\", fri: \"09:00-18:00\" }\n",
      "berlin");
  ASSERT_TRUE(c) << c.error().message;
  // Friday 27 March 17:00 CET (16:00 UTC); clocks go forward on Sunday 29
  // March; Monday 09:00 is CEST (07:00 UTC).
  EXPECT_EQ((*c)->AddWorkingTime(At("2026-03-27T16:00:00Z"), hours(2)),
            At("2026-03-30T08:00:00Z"));
}

TEST(Calendar, DurationsReadAsWorkingTime) {
  auto c = Ru5x8();
  ASSERT_TRUE(c);
  auto d = bpmn::model::ParseIsoDuration("P1DT2H");
  ASSERT_TRUE(d);
  EXPECT_EQ(c->WorkingLength(*d), hours(10));
  auto w = bpmn::model::ParseIsoDuration("P1W");
  ASSERT_TRUE(w);
  EXPECT_EQ(c->WorkingLength(*w), hours(40));
  // P1D from Tuesday 10:00 is Wednesday 10:00.
  EXPECT_EQ(c->AddWorking(At("2026-03-10T10:00:00+03:00"),
                          *bpmn::model::ParseIsoDuration("P1D")),
            At("2026-03-11T10:00:00+03:00"));
}

TEST(Calendar, AlwaysOpenIsPlainTime) {
  auto c = Calendar::AlwaysOpen();
  EXPECT_EQ(c->AddWorkingTime(At("2026-03-07T23:00:00Z"), hours(30)),
            At("2026-03-09T05:00:00Z"));
}

TEST(Calendar, BadFilesAreRefusedWithTheLine) {
  auto unknown_key = Calendar::FromYaml("zone: UTC\nweeks: {}\n", "x");
  ASSERT_FALSE(unknown_key);
  EXPECT_NE(unknown_key.error().message.find("line 2"), std::string::npos)
      << unknown_key.error().message;
  EXPECT_NE(unknown_key.error().message.find("'weeks'"), std::string::npos);
  auto bad_hours =
      Calendar::FromYaml("zone: UTC\nweek: { mon: \"18:00-09:00\" }\n", "x");
  ASSERT_FALSE(bad_hours);
  EXPECT_NE(bad_hours.error().message.find("HH:MM-HH:MM"), std::string::npos);
  auto bad_zone = Calendar::FromYaml("zone: Mars/Olympus\n", "x");
  ASSERT_FALSE(bad_zone);
  EXPECT_NE(bad_zone.error().message.find("Mars/Olympus"), std::string::npos);
  auto bad_date = Calendar::FromYaml("holidays: [2026-02-30]\n", "x");
  ASSERT_FALSE(bad_date);
  // A calendar without any working time gives no due time, not a hang.
  auto never = Calendar::FromYaml("zone: UTC\n", "never");
  ASSERT_TRUE(never);
  EXPECT_FALSE((*never)->AddWorkingTime(At("2026-03-10T10:00:00Z"), hours(1)));
}

TEST(EscalationPolicy, StepsInOrder) {
  auto steps = bpmn::model::ParseEscalationPolicy(
      "notify manager after due; reassign to user boss after due + P1D, "
      "task for lawyer after due + PT4H; throw LATE after due");
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_EQ(steps->size(), 4u);
  EXPECT_EQ((*steps)[0].action, EscalationStep::Action::kNotify);
  EXPECT_EQ((*steps)[0].target, "manager");
  EXPECT_TRUE((*steps)[0].after.IsZero());
  EXPECT_EQ((*steps)[1].action, EscalationStep::Action::kReassign);
  EXPECT_TRUE((*steps)[1].user);
  EXPECT_EQ((*steps)[1].target, "boss");
  EXPECT_EQ((*steps)[1].after.days, 1);
  EXPECT_EQ((*steps)[2].action, EscalationStep::Action::kTask);
  EXPECT_EQ((*steps)[2].target, "lawyer");
  EXPECT_EQ((*steps)[2].after.hours, 4);
  EXPECT_EQ((*steps)[3].action, EscalationStep::Action::kThrow);
  EXPECT_EQ((*steps)[3].target, "LATE");
}

TEST(EscalationPolicy, MistakesAreNamed) {
  for (const char* bad :
       {"notify after due", "shout manager after due", "notify manager",
        "notify manager after due + soon", "task for after due",
        "notify manager after due P1D"}) {
    auto steps = bpmn::model::ParseEscalationPolicy(bad);
    ASSERT_FALSE(steps) << bad;
    EXPECT_NE(steps.error().message.find("escalation step"), std::string::npos)
        << steps.error().message;
  }
}

}  // namespace
