// One command, one instant: whatever a command records (its events, a task's
// creation and the due date counted from it) carries the time the command
// started, even when the clock moves while it runs, as a real clock does on
// a busy machine between two reads.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "bpmn/clock.h"
#include "facade/engine.h"
#include "persistence/memory_store.h"

namespace {

using bpmn::TimePoint;
using namespace std::chrono_literals;

// Moves one millisecond each time it is read.
class TickingClock final : public bpmn::Clock {
 public:
  explicit TickingClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override { return now_ += 1ms; }

 private:
  mutable TimePoint now_;
};

constexpr const char* kApproval = R"(<definitions
    xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
  <process id="approval" isExecutable="true">
    <startEvent id="s"/>
    <userTask id="approve" camunda:dueDate="PT4H"/>
    <userTask id="file" camunda:dueDate="P1D"/>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="approve"/>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="file"/>
    <sequenceFlow id="f3" sourceRef="file" targetRef="e"/>
  </process>
</definitions>)";

TEST(CommandTime, EverythingOneCommandRecordsCarriesOneInstant) {
  TickingClock clock(TimePoint(std::chrono::sys_days(
      std::chrono::year(2026) / std::chrono::November / 30)));
  bpmn::persistence::MemoryStore store;
  auto engine = bpmn::engine::Engine::Open(store, clock);
  ASSERT_TRUE(engine) << engine.error().message;
  ASSERT_TRUE((*engine)->Deploy("approval.bpmn", kApproval));
  auto id = (*engine)->Start("approval", {});
  ASSERT_TRUE(id) << id.error().message;

  auto tasks = (*engine)->store().Tasks({});
  ASSERT_TRUE(tasks);
  ASSERT_EQ(tasks->size(), 1u);
  const auto approve = tasks->front();
  ASSERT_TRUE(approve.due);
  EXPECT_EQ(*approve.due - approve.created,
            std::chrono::milliseconds(4h).count());

  ASSERT_TRUE((*engine)->CompleteTask(approve.id, "ann", {}));
  tasks = (*engine)->store().Tasks({});
  ASSERT_TRUE(tasks);
  ASSERT_EQ(tasks->size(), 1u);
  const auto file = tasks->front();
  ASSERT_TRUE(file.due);
  EXPECT_EQ(*file.due - file.created, std::chrono::milliseconds(24h).count());
  EXPECT_GT(file.created, approve.created);

  // The start's events share one time, the completion's another.
  auto history = (*engine)->History(*id);
  ASSERT_TRUE(history);
  std::set<TimePoint> instants;
  for (const auto& e : *history) instants.insert(e.at);
  EXPECT_EQ(instants.size(), 2u);
  EXPECT_EQ(*instants.begin(),
            TimePoint(std::chrono::milliseconds(approve.created)));
  EXPECT_EQ(*instants.rbegin(),
            TimePoint(std::chrono::milliseconds(file.created)));
}

}  // namespace
