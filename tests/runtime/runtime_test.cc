// The interpreter through its API: determinism of the event log, refusals that
// change nothing, required fields named, and the join semantics that scenarios
// cannot see directly.
#include "runtime/runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "model/iso8601.h"
#include "parser/bpmn_reader.h"

namespace {

using bpmn::runtime::Id;
using bpmn::runtime::Runtime;
using bpmn::runtime::Variables;

std::shared_ptr<const bpmn::model::Definitions> Sample(
    const std::string& name) {
  auto r =
      bpmn::parser::ReadBpmnFile(std::string(BPMN_SAMPLES_DIR) + "/" + name);
  EXPECT_TRUE(r.ok());
  return r.definitions;
}

std::shared_ptr<const bpmn::model::Definitions> Inline(
    const std::string& body) {
  auto r = bpmn::parser::ReadBpmnString(
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
      "<process id=\"p\" isExecutable=\"true\">" +
      body + "</process></definitions>");
  EXPECT_TRUE(r.ok());
  return r.definitions;
}

bpmn::TimePoint At(const char* iso) {
  return *bpmn::model::ParseIsoDateTime(iso);
}

// Runs the deal sample through its happy path and returns the event log as
// text.
std::vector<std::string> DealLog() {
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  auto defs = Sample("deal_by_stages.bpmn");
  rt.Deploy(defs);
  Id id = *rt.Start("deal_by_stages", {}, "DEAL-1");
  auto complete = [&](Variables vars) {
    auto tasks = rt.OpenTasks(id);
    ASSERT_FALSE(tasks.empty());
    ASSERT_TRUE(rt.CompleteTask(tasks.front().task->id, "x", std::move(vars)));
    clock.Advance(std::chrono::hours(1));
  };
  complete({{"client", "A"}, {"phone", "1"}});
  complete({{"needMeasure", true}});
  clock.Advance(std::chrono::hours(9));
  rt.FireDue();
  complete({{"measurements", "2x2"}});  // the oldest task first: the measure
  complete({{"delayReason",
             "ill"}});  // then the manager's, made by the 8-hour timer
  complete({{"price", 10}});
  complete({{"approved", true}});
  complete({{"contractNumber", "1"}});
  EXPECT_TRUE(
      rt.CorrelateMessage("payment_received", "DEAL-1", {{"paid", 10}}));
  complete({{"paid", 10}});
  complete({{"shipDate", "2026-03-10"}});
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kCompleted);
  std::vector<std::string> lines;
  for (const auto& e : rt.log())
    lines.push_back(bpmn::runtime::FormatEvent(e, *defs));
  return lines;
}

TEST(Runtime, SameRunTwiceGivesAnIdenticalEventLog) {
  auto first = DealLog();
  auto second = DealLog();
  ASSERT_GT(first.size(), 50u);
  EXPECT_EQ(first, second);
}

TEST(Runtime, RefusedCompletionChangesNothing) {
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(Sample("deal_by_stages.bpmn"));
  rt.SetUserRoles("anna", {"Secretary"});
  rt.SetUserRoles("oleg", {"consultant"});
  Id id = *rt.Start("deal_by_stages", {});
  Id task = rt.OpenTasks(id).front().task->id;
  const std::size_t events = rt.log().size();
  auto role = rt.CompleteTask(task, "oleg", {{"client", "A"}, {"phone", "1"}});
  ASSERT_FALSE(role);
  EXPECT_EQ(role.error().code, bpmn::ErrorCode::kRole);
  auto fields = rt.CompleteTask(task, "anna", {{"amount", 5}});
  ASSERT_FALSE(fields);
  EXPECT_EQ(fields.error().code, bpmn::ErrorCode::kFields);
  EXPECT_NE(fields.error().message.find("client, phone"), std::string::npos)
      << fields.error().message;
  EXPECT_EQ(rt.log().size(), events);
  EXPECT_TRUE(rt.CompleteTask(task, "anna", {{"client", "A"}, {"phone", "1"}}));
}

// A task command goes to the task's own instance among many, also once the
// instance was read back (Forget, then Restore) and not after it was let go.
TEST(Runtime, TaskCommandsFindTheirInstanceAmongManyAndAfterReadingBack) {
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(
      Inline("<startEvent id=\"s\"/><userTask id=\"a\"/><userTask id=\"b\"/>"
             "<endEvent id=\"e\"/>"
             "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"a\"/>"
             "<sequenceFlow id=\"f2\" sourceRef=\"a\" targetRef=\"b\"/>"
             "<sequenceFlow id=\"f3\" sourceRef=\"b\" targetRef=\"e\"/>"));
  std::vector<Id> ids;
  for (int i = 0; i < 300; ++i) ids.push_back(*rt.Start("p", {}));
  const Id middle = ids[150];
  const Id task = rt.OpenTasks(middle).front().task->id;
  ASSERT_TRUE(rt.ClaimTask(task, "ann"));
  ASSERT_TRUE(rt.CompleteTask(task, "ann", {}));
  EXPECT_EQ(rt.Waiting(middle), std::vector<std::string>{"b"});
  EXPECT_EQ(rt.Waiting(ids[149]), std::vector<std::string>{"a"});
  EXPECT_EQ(rt.CompleteTask(task, "ann", {}).error().code,
            bpmn::ErrorCode::kNotFound);

  const Id next = rt.OpenTasks(middle).front().task->id;
  auto copy =
      std::make_unique<bpmn::runtime::InstanceState>(*rt.Instance(middle));
  rt.Forget(middle);
  EXPECT_EQ(rt.ClaimTask(next, "ann").error().code, bpmn::ErrorCode::kNotFound);
  rt.Restore(std::move(copy));
  ASSERT_TRUE(rt.ClaimTask(next, "ann"));
  EXPECT_EQ(rt.UnclaimTask(next, "bob").error().code, bpmn::ErrorCode::kRole);
  ASSERT_TRUE(rt.CompleteTask(next, "ann", {}));
  EXPECT_EQ(rt.Instance(middle)->status,
            bpmn::runtime::InstanceStatus::kCompleted);
  EXPECT_EQ(rt.Waiting(ids[151]), std::vector<std::string>{"a"});
}

// An instance's open tasks include those of the instances its call
// activities started, and only those, also when a called instance is read
// back (Forget, then Restore) and once it is let go.
TEST(Runtime, CalledInstancesBelongToTheirCallersFamily) {
  auto read = bpmn::parser::ReadBpmnString(R"(<definitions
      xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
    <process id="main" isExecutable="true">
      <startEvent id="s"/>
      <parallelGateway id="fork"/>
      <callActivity id="call" calledElement="child"/>
      <userTask id="review"/>
      <endEvent id="e1"/><endEvent id="e2"/>
      <sequenceFlow id="f1" sourceRef="s" targetRef="fork"/>
      <sequenceFlow id="f2" sourceRef="fork" targetRef="call"/>
      <sequenceFlow id="f3" sourceRef="fork" targetRef="review"/>
      <sequenceFlow id="f4" sourceRef="call" targetRef="e1"/>
      <sequenceFlow id="f5" sourceRef="review" targetRef="e2"/>
    </process>
    <process id="child">
      <startEvent id="cs"/><userTask id="work"/><endEvent id="ce"/>
      <sequenceFlow id="c1" sourceRef="cs" targetRef="work"/>
      <sequenceFlow id="c2" sourceRef="work" targetRef="ce"/>
    </process></definitions>)");
  ASSERT_TRUE(read.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(read.definitions);
  const Id first = *rt.Start("main", {});
  const Id second = *rt.Start("main", {});
  auto elements = [&](Id id) {
    std::vector<std::pair<Id, std::string>> out;
    for (const auto& ref : rt.OpenTasks(id))
      out.emplace_back(ref.instance->id, ref.instance->node(ref.task->node).id);
    std::sort(out.begin(), out.end());
    return out;
  };
  auto first_tasks = elements(first);
  ASSERT_EQ(first_tasks.size(), 2u);
  EXPECT_EQ(first_tasks[0], std::make_pair(first, std::string("review")));
  const Id child = first_tasks[1].first;
  EXPECT_NE(child, first);
  EXPECT_EQ(first_tasks[1].second, "work");
  for (const auto& [owner, element] : elements(second))
    EXPECT_NE(owner, child) << "another caller's called instance";

  auto copy =
      std::make_unique<bpmn::runtime::InstanceState>(*rt.Instance(child));
  rt.Forget(child);
  EXPECT_EQ(elements(first),
            (std::vector<std::pair<Id, std::string>>{{first, "review"}}));
  rt.Restore(std::move(copy));
  EXPECT_EQ(elements(first), first_tasks);
  const Id work = rt.OpenTasks(child).front().task->id;
  ASSERT_TRUE(rt.CompleteTask(work, "u", {}));
  EXPECT_EQ(rt.Waiting(first), std::vector<std::string>{"review"});
}

TEST(Runtime, ParallelJoinWaitsForEveryIncomingFlow) {
  auto defs = Inline(
      "<startEvent id=\"s\"/><parallelGateway id=\"fork\"/>"
      "<userTask id=\"a\"/><userTask id=\"b\"/><parallelGateway id=\"join\"/>"
      "<endEvent id=\"e\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"fork\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"fork\" targetRef=\"a\"/>"
      "<sequenceFlow id=\"f3\" sourceRef=\"fork\" targetRef=\"b\"/>"
      "<sequenceFlow id=\"f4\" sourceRef=\"a\" targetRef=\"join\"/>"
      "<sequenceFlow id=\"f5\" sourceRef=\"b\" targetRef=\"join\"/>"
      "<sequenceFlow id=\"f6\" sourceRef=\"join\" targetRef=\"e\"/>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs);
  Id id = *rt.Start("p", {});
  EXPECT_EQ(rt.Waiting(id), (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  EXPECT_EQ(rt.Waiting(id),
            std::vector<std::string>{"b"});  // the join is not listed
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kActive);
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kCompleted);
}

TEST(Runtime, InclusiveJoinWaitsOnlyForTokensThatCanArrive) {
  auto defs = Inline(
      "<startEvent id=\"s\"/><inclusiveGateway id=\"fork\"/>"
      "<userTask id=\"a\"/><userTask id=\"b\"/><inclusiveGateway id=\"join\"/>"
      "<endEvent id=\"e\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"fork\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"fork\" targetRef=\"a\">"
      "<conditionExpression>=x &gt; 1</conditionExpression></sequenceFlow>"
      "<sequenceFlow id=\"f3\" sourceRef=\"fork\" targetRef=\"b\">"
      "<conditionExpression>=x &gt; 5</conditionExpression></sequenceFlow>"
      "<sequenceFlow id=\"f4\" sourceRef=\"a\" targetRef=\"join\"/>"
      "<sequenceFlow id=\"f5\" sourceRef=\"b\" targetRef=\"join\"/>"
      "<sequenceFlow id=\"f6\" sourceRef=\"join\" targetRef=\"e\"/>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs);
  Id one = *rt.Start("p", {{"x", 3}});
  EXPECT_EQ(rt.Waiting(one), std::vector<std::string>{"a"});
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(one).front().task->id, "u", {}));
  EXPECT_EQ(rt.Instance(one)->status,
            bpmn::runtime::InstanceStatus::kCompleted);
  Id two = *rt.Start("p", {{"x", 9}});
  EXPECT_EQ(rt.Waiting(two), (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(two).front().task->id, "u", {}));
  EXPECT_EQ(rt.Instance(two)->status, bpmn::runtime::InstanceStatus::kActive);
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(two).front().task->id, "u", {}));
  EXPECT_EQ(rt.Instance(two)->status,
            bpmn::runtime::InstanceStatus::kCompleted);
}

TEST(Runtime, ExclusiveGatewayWithoutTrueConditionRaisesAnIncident) {
  auto defs = Inline(
      "<startEvent id=\"s\"/><exclusiveGateway id=\"g\"/><endEvent "
      "id=\"a\"/><endEvent id=\"b\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"g\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"a\">"
      "<conditionExpression>${x &gt; 1}</conditionExpression></sequenceFlow>"
      "<sequenceFlow id=\"f3\" sourceRef=\"g\" targetRef=\"b\">"
      "<conditionExpression>${x &gt; 5}</conditionExpression></sequenceFlow>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs);
  Id ok = *rt.Start("p", {{"x", 3}});
  EXPECT_EQ(rt.Instance(ok)->status, bpmn::runtime::InstanceStatus::kCompleted);
  Id none = *rt.Start("p", {{"x", 0}});
  const auto* s = rt.Instance(none);
  EXPECT_EQ(s->status, bpmn::runtime::InstanceStatus::kIncident);
  ASSERT_EQ(s->incidents.size(), 1u);
  EXPECT_EQ(s->node(s->incidents[0].node).id, "g");
  // An unknown variable in JUEL is an evaluation error: an incident, not a
  // crash.
  Id unknown = *rt.Start("p", {});
  EXPECT_EQ(rt.Instance(unknown)->status,
            bpmn::runtime::InstanceStatus::kIncident);
}

TEST(Runtime, TimersFireInDueOrderAndExactlyOnce) {
  auto defs = Inline(
      "<startEvent id=\"s\"/><intermediateCatchEvent "
      "id=\"t\"><timerEventDefinition>"
      "<timeDuration>PT1H</timeDuration></timerEventDefinition></"
      "intermediateCatchEvent>"
      "<endEvent id=\"e\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs);
  Id late = *rt.Start("p", {});
  clock.Advance(std::chrono::minutes(30));
  Id early = *rt.Start("p", {});
  EXPECT_EQ(*rt.NextDue(), At("2026-03-02T10:00:00Z"));
  clock.Advance(std::chrono::hours(2));
  rt.FireDue();
  rt.FireDue();
  EXPECT_EQ(rt.Instance(late)->status,
            bpmn::runtime::InstanceStatus::kCompleted);
  EXPECT_EQ(rt.Instance(early)->status,
            bpmn::runtime::InstanceStatus::kCompleted);
  std::vector<Id> fired;
  for (const auto& e : rt.log())
    if (e.type == bpmn::runtime::EventType::kTimerClosed)
      fired.push_back(e.instance);
  EXPECT_EQ(fired, (std::vector<Id>{late, early}));
  EXPECT_FALSE(rt.NextDue());
}

// The earliest timer of the instances in memory, found by looking at all of
// them: what NextDue must answer.
std::optional<bpmn::TimePoint> EarliestTimer(const Runtime& rt) {
  std::optional<bpmn::TimePoint> next;
  for (const auto* s : rt.Instances())
    for (const auto& t : s->timers)
      if (!next || t.due < *next) next = t.due;
  return next;
}

// NextDue follows the timers as they are armed, repeat (a cycle moves its due
// time), close with their task, fire, and as instances leave memory and come
// back; FireDue fires in (due, id) order across instances.
TEST(Runtime, NextDueFollowsTimersOfEveryInstanceInMemory) {
  auto defs = Inline(
      "<startEvent id=\"s\"/><userTask id=\"work\"/>"
      "<boundaryEvent id=\"remind\" attachedToRef=\"work\" "
      "cancelActivity=\"false\"><timerEventDefinition>"
      "<timeCycle>R2/PT1H</timeCycle></timerEventDefinition></boundaryEvent>"
      "<boundaryEvent id=\"expire\" attachedToRef=\"work\">"
      "<timerEventDefinition><timeDuration>PT5H</timeDuration>"
      "</timerEventDefinition></boundaryEvent>"
      "<intermediateCatchEvent id=\"pause\"><timerEventDefinition>"
      "<timeDuration>PT0S</timeDuration></timerEventDefinition>"
      "</intermediateCatchEvent>"
      "<endEvent id=\"done\"/><endEvent id=\"reminded\"/>"
      "<endEvent id=\"expired\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"work\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"work\" targetRef=\"done\"/>"
      "<sequenceFlow id=\"f3\" sourceRef=\"remind\" targetRef=\"pause\"/>"
      "<sequenceFlow id=\"f5\" sourceRef=\"pause\" targetRef=\"reminded\"/>"
      "<sequenceFlow id=\"f4\" sourceRef=\"expire\" targetRef=\"expired\"/>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs);
  std::vector<Id> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(*rt.Start("p", {}));
    clock.Advance(std::chrono::minutes(10));
    EXPECT_EQ(rt.NextDue(), EarliestTimer(rt)) << "after start " << i;
  }
  EXPECT_EQ(*rt.NextDue(), At("2026-03-02T10:00:00Z"));
  // The first instance leaves memory and comes back.
  auto copy =
      std::make_unique<bpmn::runtime::InstanceState>(*rt.Instance(ids[0]));
  rt.Forget(ids[0]);
  EXPECT_EQ(*rt.NextDue(), At("2026-03-02T10:10:00Z"));
  EXPECT_EQ(rt.NextDue(), EarliestTimer(rt));
  rt.Restore(std::move(copy));
  EXPECT_EQ(*rt.NextDue(), At("2026-03-02T10:00:00Z"));
  // The second instance's task is done: its two timers close.
  ASSERT_TRUE(
      rt.CompleteTask(rt.OpenTasks(ids[1]).front().task->id, "ann", {}));
  EXPECT_EQ(rt.NextDue(), EarliestTimer(rt));
  // An hour on, the reminders of the first and third fire (first one first)
  // and are due again an hour later. Each sends a token to a pause due at
  // once, armed by this call and so fired by the next.
  clock.Set(At("2026-03-02T10:25:00Z"));
  rt.FireDue();
  EXPECT_EQ(*rt.NextDue(), At("2026-03-02T10:25:00Z"));
  EXPECT_EQ(rt.NextDue(), EarliestTimer(rt));
  rt.FireDue();
  EXPECT_EQ(*rt.NextDue(), At("2026-03-02T11:00:00Z"));
  EXPECT_EQ(rt.NextDue(), EarliestTimer(rt));
  // Past every due time: the cycle runs out, the tasks expire, and the last
  // pauses wait for one more call.
  clock.Set(At("2026-03-02T16:00:00Z"));
  rt.FireDue();
  EXPECT_EQ(*rt.NextDue(), At("2026-03-02T16:00:00Z"));
  rt.FireDue();
  EXPECT_FALSE(rt.NextDue());
  EXPECT_FALSE(EarliestTimer(rt));
  // The timers' events in order, each as (instance, element, event); a
  // timer's element is named where it was scheduled.
  std::map<Id, std::string> element_of;
  std::vector<std::string> events;
  for (const auto& e : rt.log()) {
    using bpmn::runtime::EventType;
    if (e.type == EventType::kTimerScheduled && !element_of.count(e.item))
      element_of[e.item] = defs->node(e.node).id;
    else if (e.type == EventType::kTimerScheduled)
      events.push_back(std::to_string(e.instance) + " " + element_of[e.item] +
                       " again");
    else if (e.type == EventType::kTimerClosed)
      events.push_back(std::to_string(e.instance) + " " + element_of[e.item] +
                       " closed");
  }
  // The second instance's close with its task; then call by call, in due
  // order: 10:00 the first's reminder and 10:20 the third's (each due again
  // an hour on); their pauses; 11:00 and 11:20 their last repeats, 14:00
  // and 14:20 their expiries; their last pauses.
  const std::string first = std::to_string(ids[0]) + " ";
  const std::string second = std::to_string(ids[1]) + " ";
  const std::string third = std::to_string(ids[2]) + " ";
  EXPECT_EQ(events, (std::vector<std::string>{
                        second + "remind closed", second + "expire closed",
                        first + "remind again", third + "remind again",
                        first + "pause closed", third + "pause closed",
                        first + "remind closed", third + "remind closed",
                        first + "expire closed", third + "expire closed",
                        first + "pause closed", third + "pause closed"}));
}

}  // namespace

namespace {

TEST(Runtime, ParallelMultiInstanceOverACollection) {
  auto defs = bpmn::parser::ReadBpmnString(R"(<definitions
      xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
    <process id="p" isExecutable="true">
      <startEvent id="s"/>
      <userTask id="review">
        <multiInstanceLoopCharacteristics camunda:collection="${experts}"
            camunda:elementVariable="expert">
          <completionCondition>${nrOfCompletedInstances >= 2}</completionCondition>
        </multiInstanceLoopCharacteristics>
      </userTask>
      <endEvent id="e"/>
      <sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
      <sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
    </process></definitions>)");
  ASSERT_TRUE(defs.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs.definitions);
  bpmn::expr::List experts = {"ivan", "petr", "olga"};
  Id id = *rt.Start("p", {{"experts", bpmn::expr::Value(experts)}});
  ASSERT_EQ(rt.OpenTasks(id).size(), 3u);
  EXPECT_EQ(rt.Waiting(id), std::vector<std::string>{"review"});
  // Each instance sees its own element variable and loopCounter.
  const auto* s = rt.Instance(id);
  std::vector<std::string> seen;
  for (const auto& sc : s->scopes) {
    auto it = sc.variables.find("expert");
    if (it != sc.variables.end()) seen.push_back(it->second.string());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"ivan", "petr", "olga"}));
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  EXPECT_EQ(rt.OpenTasks(id).size(), 2u);
  // The completion condition ends the activity after two; the third is
  // withdrawn.
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  EXPECT_TRUE(rt.OpenTasks(id).empty());
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kCompleted);
}

TEST(Runtime, SequentialMultiInstanceWithCardinalityAndOutputCollection) {
  auto defs = bpmn::parser::ReadBpmnString(R"(<definitions
      xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:zeebe="http://camunda.org/schema/zeebe/1.0">
    <process id="p" isExecutable="true">
      <startEvent id="s"/>
      <scriptTask id="square" scriptFormat="feel">
        <extensionElements>
          <zeebe:script expression="=item * item" resultVariable="sq"/>
        </extensionElements>
        <multiInstanceLoopCharacteristics isSequential="true">
          <extensionElements>
            <zeebe:loopCharacteristics inputCollection="=[1, 2, 3, 4]" inputElement="item"
                outputCollection="squares" outputElement="=sq"/>
          </extensionElements>
        </multiInstanceLoopCharacteristics>
      </scriptTask>
      <endEvent id="e"/>
      <sequenceFlow id="f1" sourceRef="s" targetRef="square"/>
      <sequenceFlow id="f2" sourceRef="square" targetRef="e"/>
    </process></definitions>)");
  ASSERT_TRUE(defs.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs.definitions);
  Id id = *rt.Start("p", {});
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kCompleted);
  const auto* vars = rt.RootVariables(id);
  ASSERT_TRUE(vars->count("squares"));
  EXPECT_EQ(bpmn::expr::ToJson(vars->at("squares")), "[1,4,9,16]");
}

TEST(Runtime, StandardLoopRunsWhileItsConditionHolds) {
  auto defs = bpmn::parser::ReadBpmnString(R"(<definitions
      xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
    <process id="p" isExecutable="true">
      <startEvent id="s"/>
      <userTask id="call">
        <standardLoopCharacteristics loopMaximum="5">
          <loopCondition>=not(reached)</loopCondition>
        </standardLoopCharacteristics>
      </userTask>
      <endEvent id="e"/>
      <sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
      <sequenceFlow id="f2" sourceRef="call" targetRef="e"/>
    </process></definitions>)");
  ASSERT_TRUE(defs.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs.definitions);
  Id id = *rt.Start("p", {{"reached", false}});
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  ASSERT_EQ(rt.OpenTasks(id).size(), 1u);  // again: not reached
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u",
                              {{"reached", true}}));
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kCompleted);
}

}  // namespace

namespace {

TEST(Runtime, ALoopWithoutWaitStateIsStoppedWithAnIncident) {
  auto defs = Inline(
      "<startEvent id=\"s\"/><exclusiveGateway id=\"g\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"g\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"g\"/>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.set_keep_log(false);
  rt.Deploy(defs);
  Id id = *rt.Start("p", {});
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kIncident);
}

}  // namespace

namespace {

// A deal whose client may cancel at any time (interrupting message event
// sub-process), with a reminder every day (non-interrupting timer event
// sub-process) and an error handler.
const char* kEventSubProcesses = R"(<definitions
    xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <message id="m" name="cancel"/>
  <error id="err" errorCode="NO_STOCK"/>
  <process id="p" isExecutable="true">
    <startEvent id="s"/>
    <userTask id="work"/>
    <serviceTask id="reserve"/>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="work"/>
    <sequenceFlow id="f2" sourceRef="work" targetRef="reserve"/>
    <sequenceFlow id="f3" sourceRef="reserve" targetRef="e"/>
    <subProcess id="onCancel" triggeredByEvent="true">
      <startEvent id="cancelled"><messageEventDefinition messageRef="m"/></startEvent>
      <userTask id="apologise"/>
      <endEvent id="ce"/>
      <sequenceFlow id="c1" sourceRef="cancelled" targetRef="apologise"/>
      <sequenceFlow id="c2" sourceRef="apologise" targetRef="ce"/>
    </subProcess>
    <subProcess id="daily" triggeredByEvent="true">
      <startEvent id="tick" isInterrupting="false">
        <timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition>
      </startEvent>
      <endEvent id="te"/>
      <sequenceFlow id="t1" sourceRef="tick" targetRef="te"/>
    </subProcess>
    <subProcess id="onError" triggeredByEvent="true">
      <startEvent id="failed"><errorEventDefinition errorRef="err"/></startEvent>
      <userTask id="fix"/>
      <endEvent id="fe"/>
      <sequenceFlow id="x1" sourceRef="failed" targetRef="fix"/>
      <sequenceFlow id="x2" sourceRef="fix" targetRef="fe"/>
    </subProcess>
  </process></definitions>)";

TEST(Runtime, EventSubProcesses) {
  auto defs = bpmn::parser::ReadBpmnString(kEventSubProcesses);
  ASSERT_TRUE(defs.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs.definitions);
  auto completed = [&](Id id, const std::string& element) {
    for (auto n : rt.Instance(id)->completed)
      if (rt.Instance(id)->node(n).id == element) return true;
    return false;
  };

  // Non-interrupting timer: runs beside the work, which stays.
  Id a = *rt.Start("p", {});
  EXPECT_EQ(rt.Waiting(a),
            std::vector<std::string>{"work"});  // listeners are not waiting
  clock.Advance(std::chrono::hours(25));
  rt.FireDue();
  EXPECT_TRUE(completed(a, "te"));
  EXPECT_EQ(rt.Waiting(a), std::vector<std::string>{"work"});

  // Interrupting message: the work is withdrawn, the handler runs, the instance
  // ends.
  ASSERT_TRUE(rt.CorrelateMessage("cancel", "", {}));
  EXPECT_EQ(rt.Waiting(a), std::vector<std::string>{"apologise"});
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(a).front().task->id, "u", {}));
  EXPECT_EQ(rt.Instance(a)->status, bpmn::runtime::InstanceStatus::kCompleted);
  EXPECT_FALSE(completed(a, "work"));
  EXPECT_FALSE(rt.NextDue()) << "the daily timer stops with its scope";

  // An error thrown by a job is caught by the error event sub-process.
  Id b = *rt.Start("p", {});
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(b).front().task->id, "u", {}));
  auto jobs = rt.OpenJobs(b);
  ASSERT_EQ(jobs.size(), 1u);
  ASSERT_TRUE(rt.ThrowJobError(jobs.front().second->id, "NO_STOCK", {}));
  EXPECT_EQ(rt.Waiting(b), std::vector<std::string>{"fix"});
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(b).front().task->id, "u", {}));
  EXPECT_EQ(rt.Instance(b)->status, bpmn::runtime::InstanceStatus::kCompleted);

  // Without any event, the instance completes and its listeners end with it.
  Id c = *rt.Start("p", {});
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(c).front().task->id, "u", {}));
  ASSERT_TRUE(rt.CompleteJob(rt.OpenJobs(c).front().second->id, {}));
  EXPECT_EQ(rt.Instance(c)->status, bpmn::runtime::InstanceStatus::kCompleted);
  EXPECT_TRUE(rt.Instance(c)->subscriptions.empty());
}

}  // namespace

namespace {

const char* kCompensation = R"(<definitions
    xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <process id="p" isExecutable="true">
    <startEvent id="s"/>
    <task id="hotel"/>
    <boundaryEvent id="hotelComp" attachedToRef="hotel"><compensateEventDefinition/></boundaryEvent>
    <userTask id="cancelHotel" isForCompensation="true"/>
    <association id="a1" sourceRef="hotelComp" targetRef="cancelHotel"/>
    <task id="flight"/>
    <boundaryEvent id="flightComp" attachedToRef="flight"><compensateEventDefinition/></boundaryEvent>
    <userTask id="cancelFlight" isForCompensation="true"/>
    <association id="a2" sourceRef="flightComp" targetRef="cancelFlight"/>
    <intermediateThrowEvent id="undo"><compensateEventDefinition/></intermediateThrowEvent>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="hotel"/>
    <sequenceFlow id="f2" sourceRef="hotel" targetRef="flight"/>
    <sequenceFlow id="f3" sourceRef="flight" targetRef="undo"/>
    <sequenceFlow id="f4" sourceRef="undo" targetRef="e"/>
  </process>
  <process id="t" isExecutable="true">
    <startEvent id="ts"/>
    <transaction id="booking">
      <startEvent id="bs"/>
      <task id="charge"/>
      <boundaryEvent id="chargeComp" attachedToRef="charge"><compensateEventDefinition/></boundaryEvent>
      <userTask id="refund" isForCompensation="true"/>
      <association id="a3" sourceRef="chargeComp" targetRef="refund"/>
      <endEvent id="abort"><cancelEventDefinition/></endEvent>
      <sequenceFlow id="b1" sourceRef="bs" targetRef="charge"/>
      <sequenceFlow id="b2" sourceRef="charge" targetRef="abort"/>
    </transaction>
    <boundaryEvent id="cancelled" attachedToRef="booking"><cancelEventDefinition/></boundaryEvent>
    <userTask id="notify"/>
    <endEvent id="te"/>
    <endEvent id="tc"/>
    <sequenceFlow id="t1" sourceRef="ts" targetRef="booking"/>
    <sequenceFlow id="t2" sourceRef="booking" targetRef="te"/>
    <sequenceFlow id="t3" sourceRef="cancelled" targetRef="notify"/>
    <sequenceFlow id="t4" sourceRef="notify" targetRef="tc"/>
  </process></definitions>)";

TEST(Runtime, CompensationRunsHandlersInReverseOrderOfCompletion) {
  auto defs = bpmn::parser::ReadBpmnString(kCompensation);
  ASSERT_TRUE(defs.definitions);
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs.definitions);
  Id id = *rt.Start("p", {});
  // The throw event waits while the handlers run, the flight's first.
  EXPECT_EQ(rt.Waiting(id), (std::vector<std::string>{"cancelFlight", "undo"}));
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  EXPECT_EQ(rt.Waiting(id), (std::vector<std::string>{"cancelHotel", "undo"}));
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kCompleted);
}

TEST(Runtime, CancelEndCompensatesTheTransactionAndTakesTheCancelBoundary) {
  auto defs = bpmn::parser::ReadBpmnString(kCompensation);
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs.definitions);
  Id id = *rt.Start("t", {});
  EXPECT_EQ(rt.Waiting(id), (std::vector<std::string>{"abort", "refund"}));
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  EXPECT_EQ(rt.Waiting(id), std::vector<std::string>{"notify"});
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  const auto* s = rt.Instance(id);
  EXPECT_EQ(s->status, bpmn::runtime::InstanceStatus::kCompleted);
  std::vector<std::string> passed;
  for (auto n : s->completed) passed.push_back(s->node(n).id);
  EXPECT_EQ(std::count(passed.begin(), passed.end(), "te"), 0);
  EXPECT_EQ(passed.back(), "tc");
}

}  // namespace

namespace {

TEST(Runtime, ConditionalEventsWaitForTheirCondition) {
  auto defs = Inline(
      "<startEvent id=\"s\"/><parallelGateway id=\"fork\"/>"
      "<intermediateCatchEvent id=\"paid\"><conditionalEventDefinition>"
      "<condition>=paid &gt;= price</condition></conditionalEventDefinition>"
      "</intermediateCatchEvent>"
      "<userTask id=\"pay\"/><endEvent id=\"e1\"/><endEvent id=\"e2\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"fork\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"fork\" targetRef=\"paid\"/>"
      "<sequenceFlow id=\"f3\" sourceRef=\"fork\" targetRef=\"pay\"/>"
      "<sequenceFlow id=\"f4\" sourceRef=\"paid\" targetRef=\"e1\"/>"
      "<sequenceFlow id=\"f5\" sourceRef=\"pay\" targetRef=\"e2\"/>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs);
  Id id = *rt.Start("p", {{"price", 100}, {"paid", 0}});
  EXPECT_EQ(rt.Waiting(id), (std::vector<std::string>{"paid", "pay"}));
  ASSERT_TRUE(
      rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {{"paid", 100}}));
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kCompleted);
}

TEST(Runtime, BufferedMessageWaitsForItsSubscriptionUntilItsTimeToLive) {
  auto read = bpmn::parser::ReadBpmnString(
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
      "<message id=\"m\" name=\"m\"/><process id=\"p\" isExecutable=\"true\">"
      "<startEvent id=\"s\"/><userTask id=\"prepare\"/>"
      "<receiveTask id=\"wait\" messageRef=\"m\"/><endEvent id=\"e\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"prepare\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"prepare\" targetRef=\"wait\"/>"
      "<sequenceFlow id=\"f3\" sourceRef=\"wait\" targetRef=\"e\"/>"
      "</process></definitions>");
  ASSERT_TRUE(read.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(read.definitions);
  Id early = *rt.Start("p", {}, "A");
  Id late = *rt.Start("p", {}, "B");
  EXPECT_FALSE(
      rt.CorrelateMessage("m", "A", {}));  // nobody waits, no time to live
  ASSERT_TRUE(rt.CorrelateMessage("m", "A", {{"x", 1}}, std::chrono::hours(1)));
  ASSERT_TRUE(rt.CorrelateMessage("m", "B", {}, std::chrono::minutes(1)));
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(early).front().task->id, "u", {}));
  EXPECT_EQ(rt.Instance(early)->status,
            bpmn::runtime::InstanceStatus::kCompleted);
  EXPECT_EQ(bpmn::expr::ToJson(rt.RootVariables(early)->at("x")), "1");
  clock.Advance(std::chrono::minutes(5));  // B's message has expired
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(late).front().task->id, "u", {}));
  EXPECT_EQ(rt.Waiting(late), std::vector<std::string>{"wait"});
}

TEST(Runtime, TimerStartEventsStartInstances) {
  auto defs = Inline(
      "<startEvent id=\"daily\"><timerEventDefinition>"
      "<timeCycle>R2/2026-03-03T09:00:00Z/P1D</timeCycle></"
      "timerEventDefinition></startEvent>"
      "<endEvent id=\"e\"/><sequenceFlow id=\"f1\" sourceRef=\"daily\" "
      "targetRef=\"e\"/>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs);
  EXPECT_EQ(*rt.NextDue(), At("2026-03-03T09:00:00Z"));
  clock.Set(At("2026-03-10T00:00:00Z"));
  rt.FireDue();
  EXPECT_EQ(rt.Instances().size(), 2u);  // R2: twice, then no more
  EXPECT_FALSE(rt.NextDue());
}

}  // namespace

namespace {

TEST(Runtime, WorkListsByRoleAndUserAndClaiming) {
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(Sample("deal_by_stages.bpmn"));
  rt.SetUserRoles("anna", {"secretary"});
  rt.SetUserRoles("maria", {"secretary"});
  Id one = *rt.Start("deal_by_stages", {}, "DEAL-1");
  *rt.Start("deal_by_stages", {}, "DEAL-2");
  EXPECT_EQ(rt.TasksForRole("Secretary").size(), 2u);
  EXPECT_EQ(rt.TasksForRole("lawyer").size(), 0u);
  EXPECT_EQ(rt.TasksForUser("anna").size(), 2u);
  Id task = rt.OpenTasks(one).front().task->id;
  ASSERT_TRUE(rt.ClaimTask(task, "anna"));
  EXPECT_EQ(rt.TasksForUser("maria").size(), 1u)
      << "a claimed task leaves the others' lists";
  EXPECT_EQ(rt.ClaimTask(task, "maria").error().code, bpmn::ErrorCode::kState);
  EXPECT_EQ(rt.UnclaimTask(task, "maria").error().code, bpmn::ErrorCode::kRole);
  ASSERT_TRUE(rt.UnclaimTask(task, "anna"));
  EXPECT_EQ(rt.TasksForUser("maria").size(), 2u);
  EXPECT_EQ(rt.InstancesWithBusinessKey("DEAL-1").size(), 1u);
  EXPECT_EQ(
      rt.InstancesWithStatus(bpmn::runtime::InstanceStatus::kActive).size(),
      2u);
}

}  // namespace

namespace {

TEST(Runtime, ZeroLengthTimerInALoopDoesNotKeepFireDueRunning) {
  auto defs = Inline(
      "<startEvent id=\"s\"/><exclusiveGateway id=\"g\"/>"
      "<intermediateCatchEvent id=\"t\"><timerEventDefinition>"
      "<timeDuration>PT0S</timeDuration></timerEventDefinition></"
      "intermediateCatchEvent>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"g\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"t\"/>"
      "<sequenceFlow id=\"f3\" sourceRef=\"t\" targetRef=\"g\"/>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.set_keep_log(false);
  rt.Deploy(defs);
  Id id = *rt.Start("p", {});
  rt.FireDue();  // fires the timer once; the one it arms again waits for the
                 // next call
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kActive);
  EXPECT_EQ(rt.Waiting(id), std::vector<std::string>{"t"});
}

TEST(Runtime, CandidateUsersMayClaimAndComplete) {
  auto read = bpmn::parser::ReadBpmnString(R"(<definitions
      xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
    <process id="p" isExecutable="true">
      <startEvent id="s"/>
      <userTask id="review" camunda:candidateGroups="lawyer" camunda:candidateUsers="boss"/>
      <endEvent id="e"/>
      <sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
      <sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
    </process></definitions>)");
  ASSERT_TRUE(read.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(read.definitions);
  rt.SetUserRoles("boss", {"manager"});
  rt.SetUserRoles("kate", {"consultant"});
  Id id = *rt.Start("p", {});
  Id task = rt.OpenTasks(id).front().task->id;
  EXPECT_EQ(rt.ClaimTask(task, "kate").error().code, bpmn::ErrorCode::kRole);
  ASSERT_TRUE(rt.ClaimTask(task, "boss"));
  ASSERT_TRUE(rt.CompleteTask(task, "boss", {}));
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kCompleted);
}

}  // namespace

namespace {

const char* kMapped = R"(<definitions
    xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0">
  <error id="err" errorCode="NO"/>
  <process id="p" isExecutable="true">
    <startEvent id="s"/>
    <parallelGateway id="fork"/>
    <userTask id="quote">
      <extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="limit">${amount * 2}</camunda:inputParameter>
        <camunda:outputParameter name="offer">${limit - discount}</camunda:outputParameter>
      </camunda:inputOutput></extensionElements>
    </userTask>
    <serviceTask id="check">
      <extensionElements>
        <zeebe:taskDefinition type="check"/>
        <zeebe:ioMapping><zeebe:input source="=amount" target="sum"/></zeebe:ioMapping>
      </extensionElements>
    </serviceTask>
    <boundaryEvent id="failed" attachedToRef="check"><errorEventDefinition errorRef="err"/></boundaryEvent>
    <userTask id="other"/>
    <parallelGateway id="join"/>
    <endEvent id="e"/>
    <endEvent id="fe"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="fork"/>
    <sequenceFlow id="f2" sourceRef="fork" targetRef="quote"/>
    <sequenceFlow id="f3" sourceRef="fork" targetRef="check"/>
    <sequenceFlow id="f4" sourceRef="fork" targetRef="other"/>
    <sequenceFlow id="f5" sourceRef="quote" targetRef="join"/>
    <sequenceFlow id="f6" sourceRef="other" targetRef="join"/>
    <sequenceFlow id="f7" sourceRef="check" targetRef="join"/>
    <sequenceFlow id="f8" sourceRef="join" targetRef="e"/>
    <sequenceFlow id="f9" sourceRef="failed" targetRef="fe"/>
  </process></definitions>)";

TEST(Runtime, InputAndOutputMappingsUseTheActivitysOwnScope) {
  auto read = bpmn::parser::ReadBpmnString(kMapped);
  ASSERT_TRUE(read.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(read.definitions);
  Id id = *rt.Start("p", {{"amount", 100}});
  EXPECT_EQ(rt.Waiting(id),
            (std::vector<std::string>{"check", "other", "quote"}));
  EXPECT_FALSE(rt.RootVariables(id)->count("limit"))
      << "inputs stay in the activity's scope";
  // The job sees its mapped input.
  const auto* job = rt.OpenJobs(id).front().second;
  const auto* s = rt.Instance(id);
  bool saw_sum = false;
  for (const auto& sc : s->scopes)
    if (sc.local && sc.variables.count("sum")) saw_sum = true;
  EXPECT_TRUE(saw_sum);
  ASSERT_TRUE(rt.CompleteJob(job->id, {{"checked", true}}));
  // The user task: its output maps a local value out; the local input
  // disappears.
  for (const auto& ref : rt.OpenTasks(id)) {
    if (ref.instance->node(ref.task->node).id == "quote") {
      ASSERT_TRUE(rt.CompleteTask(ref.task->id, "u", {{"discount", 15}}));
      break;
    }
  }
  EXPECT_EQ(bpmn::expr::ToJson(rt.RootVariables(id)->at("offer")), "185");
  EXPECT_FALSE(rt.RootVariables(id)->count("limit"));
  EXPECT_TRUE(rt.RootVariables(id)->count("checked"))
      << "a job's results reach the process";
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kActive);
  ASSERT_TRUE(rt.CompleteTask(rt.OpenTasks(id).front().task->id, "u", {}));
  EXPECT_EQ(rt.Instance(id)->status, bpmn::runtime::InstanceStatus::kCompleted);
}

TEST(Runtime, AnErrorFromAMappedTaskReachesTheTasksBoundary) {
  auto read = bpmn::parser::ReadBpmnString(kMapped);
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(read.definitions);
  Id id = *rt.Start("p", {{"amount", 100}});
  ASSERT_TRUE(rt.ThrowJobError(rt.OpenJobs(id).front().second->id, "NO", {}));
  const auto* s = rt.Instance(id);
  EXPECT_TRUE(s->incidents.empty());
  std::vector<std::string> passed;
  for (auto n : s->completed) passed.push_back(s->node(n).id);
  EXPECT_NE(std::find(passed.begin(), passed.end(), "fe"), passed.end());
  EXPECT_EQ(rt.Waiting(id), (std::vector<std::string>{"other", "quote"}));
}

}  // namespace

namespace {

TEST(Runtime, EscalationLeavesACalledInstanceToTheCallActivitysBoundary) {
  auto read = bpmn::parser::ReadBpmnString(R"(<definitions
      xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
    <escalation id="late" escalationCode="LATE"/>
    <process id="main" isExecutable="true">
      <startEvent id="s"/>
      <callActivity id="call" calledElement="child"/>
      <boundaryEvent id="caught" attachedToRef="call" cancelActivity="false">
        <escalationEventDefinition escalationRef="late"/>
      </boundaryEvent>
      <userTask id="notifyManager"/>
      <endEvent id="e"/><endEvent id="ne"/>
      <sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
      <sequenceFlow id="f2" sourceRef="call" targetRef="e"/>
      <sequenceFlow id="f3" sourceRef="caught" targetRef="notifyManager"/>
      <sequenceFlow id="f4" sourceRef="notifyManager" targetRef="ne"/>
    </process>
    <process id="child">
      <startEvent id="cs"/>
      <intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="late"/></intermediateThrowEvent>
      <userTask id="work"/>
      <endEvent id="ce"/>
      <sequenceFlow id="c1" sourceRef="cs" targetRef="raise"/>
      <sequenceFlow id="c2" sourceRef="raise" targetRef="work"/>
      <sequenceFlow id="c3" sourceRef="work" targetRef="ce"/>
    </process></definitions>)");
  ASSERT_TRUE(read.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(read.definitions);
  Id id = *rt.Start("main", {});
  EXPECT_EQ(rt.Waiting(id),
            (std::vector<std::string>{"call", "notifyManager"}));
  EXPECT_EQ(rt.OpenTasks(id).size(), 2u)
      << "the child goes on: the boundary is non-interrupting";
}

}  // namespace

namespace {

TEST(Runtime, ConditionalBoundaryFiresWhenItsConditionTurnsTrue) {
  auto defs = Inline(
      "<startEvent id=\"s\"/><parallelGateway id=\"fork\"/><userTask "
      "id=\"work\"/>"
      "<boundaryEvent id=\"risk\" attachedToRef=\"work\" "
      "cancelActivity=\"false\">"
      "<conditionalEventDefinition><condition>=amount &gt; 1000</condition>"
      "</conditionalEventDefinition></boundaryEvent>"
      "<userTask id=\"set1\"/><userTask id=\"set2\"/><userTask id=\"review\"/>"
      "<endEvent id=\"e1\"/><endEvent id=\"e2\"/><endEvent id=\"re\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"fork\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"fork\" targetRef=\"work\"/>"
      "<sequenceFlow id=\"f3\" sourceRef=\"fork\" targetRef=\"set1\"/>"
      "<sequenceFlow id=\"f4\" sourceRef=\"set1\" targetRef=\"set2\"/>"
      "<sequenceFlow id=\"f5\" sourceRef=\"set2\" targetRef=\"e2\"/>"
      "<sequenceFlow id=\"f6\" sourceRef=\"work\" targetRef=\"e1\"/>"
      "<sequenceFlow id=\"f7\" sourceRef=\"risk\" targetRef=\"review\"/>"
      "<sequenceFlow id=\"f8\" sourceRef=\"review\" targetRef=\"re\"/>");
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(defs);
  auto complete = [&](Id id, const std::string& element, Variables vars) {
    for (const auto& ref : rt.OpenTasks(id)) {
      if (ref.instance->node(ref.task->node).id == element) {
        ASSERT_TRUE(rt.CompleteTask(ref.task->id, "u", std::move(vars)));
        return;
      }
    }
    FAIL() << "no task " << element;
  };
  // Armed while false: fires as soon as the amount rises.
  Id a = *rt.Start("p", {{"amount", 10}});
  EXPECT_EQ(rt.Waiting(a), (std::vector<std::string>{"set1", "work"}));
  complete(a, "set1", {{"amount", 5000}});
  EXPECT_EQ(rt.Waiting(a),
            (std::vector<std::string>{"review", "set2", "work"}));
  // Armed while already true: waits for false, then true.
  Id b = *rt.Start("p", {{"amount", 5000}});
  complete(b, "set1", {{"amount", 10}});
  EXPECT_EQ(rt.Waiting(b), (std::vector<std::string>{"set2", "work"}));
  complete(b, "set2", {{"amount", 6000}});
  EXPECT_EQ(rt.Waiting(b), (std::vector<std::string>{"review", "work"}));
}

}  // namespace

namespace {

// Apply is the only mutator: replaying an instance's events from an empty state
// gives the state the runtime holds.
void ExpectReplayMatches(const Runtime& rt, Id id) {
  const auto* live = rt.Instance(id);
  ASSERT_NE(live, nullptr);
  bpmn::runtime::InstanceState replay;
  replay.id = id;
  replay.definitions = live->definitions;
  replay.process = live->process;
  for (const auto& e : rt.log())
    if (e.instance == id) bpmn::runtime::Apply(e, replay);
  EXPECT_EQ(replay.status, live->status);
  EXPECT_EQ(replay.business_key, live->business_key);
  EXPECT_EQ(replay.parent_instance, live->parent_instance);
  EXPECT_EQ(replay.completed, live->completed);
  EXPECT_EQ(replay.tokens.size(), live->tokens.size());
  for (const auto& [tid, t] : live->tokens) {
    ASSERT_TRUE(replay.tokens.count(tid));
    EXPECT_EQ(replay.tokens.at(tid).node, t.node);
    EXPECT_EQ(replay.tokens.at(tid).state, t.state);
  }
  ASSERT_EQ(replay.scopes.size(), live->scopes.size());
  for (std::size_t i = 0; i < live->scopes.size(); ++i) {
    EXPECT_EQ(replay.scopes[i].id, live->scopes[i].id);
    EXPECT_EQ(replay.scopes[i].variables.size(),
              live->scopes[i].variables.size());
    for (const auto& [k, v] : live->scopes[i].variables)
      EXPECT_EQ(bpmn::expr::ToJson(replay.scopes[i].variables.at(k)),
                bpmn::expr::ToJson(v));
  }
  EXPECT_EQ(replay.tasks.size(), live->tasks.size());
  EXPECT_EQ(replay.timers.size(), live->timers.size());
  EXPECT_EQ(replay.subscriptions.size(), live->subscriptions.size());
  EXPECT_EQ(replay.incidents.size(), live->incidents.size());
}

TEST(Runtime, ReplayingTheEventLogGivesTheSameState) {
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(Sample("deal_by_stages.bpmn"));
  rt.Deploy(Sample("lead_processing.bpmn"));
  Id lead = *rt.Start("lead_processing", {{"client", "A"}}, "LEAD-9");
  auto complete = [&](Variables vars) {
    auto tasks = rt.OpenTasks(lead);
    ASSERT_FALSE(tasks.empty());
    ASSERT_TRUE(rt.CompleteTask(tasks.front().task->id, "u", std::move(vars)));
  };
  complete({{"channel", "web"}, {"qualified", true}});
  complete({});
  ExpectReplayMatches(rt, lead);  // waiting at the event-based gateway
  ASSERT_TRUE(rt.CorrelateMessage("client_reply", "LEAD-9", {}));
  complete({{"convert", true}});
  ExpectReplayMatches(rt, lead);  // waiting at the call activity
  for (const auto* s : rt.Family(lead)) ExpectReplayMatches(rt, s->id);
  complete({{"phone", "1"}});
  clock.Advance(std::chrono::hours(20));
  rt.FireDue();
  for (const auto* s : rt.Family(lead)) ExpectReplayMatches(rt, s->id);
}

TEST(Runtime, ASignalThrownInsideARunReachesOtherInstancesWithoutNesting) {
  auto read = bpmn::parser::ReadBpmnString(R"(<definitions
      xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
    <signal id="sig" name="go"/>
    <process id="p" isExecutable="true">
      <startEvent id="s"/>
      <exclusiveGateway id="who" default="toWait"/>
      <intermediateThrowEvent id="shout"><signalEventDefinition signalRef="sig"/></intermediateThrowEvent>
      <intermediateCatchEvent id="listen"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent>
      <endEvent id="e1"/><endEvent id="e2"/>
      <sequenceFlow id="f1" sourceRef="s" targetRef="who"/>
      <sequenceFlow id="toShout" sourceRef="who" targetRef="shout">
        <conditionExpression>=role = "leader"</conditionExpression></sequenceFlow>
      <sequenceFlow id="toWait" sourceRef="who" targetRef="listen"/>
      <sequenceFlow id="f2" sourceRef="shout" targetRef="e1"/>
      <sequenceFlow id="f3" sourceRef="listen" targetRef="e2"/>
    </process></definitions>)");
  ASSERT_TRUE(read.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(read.definitions);
  Id a = *rt.Start("p", {{"role", "member"}});
  Id b = *rt.Start("p", {{"role", "member"}});
  Id leader = *rt.Start("p", {{"role", "leader"}});
  for (Id id : {a, b, leader})
    EXPECT_EQ(rt.Instance(id)->status,
              bpmn::runtime::InstanceStatus::kCompleted);
}

}  // namespace

namespace {

// Camunda writes text around expressions, and constants as output
// parameters; both mean what Camunda 7 makes of them.
TEST(Runtime, MappingsWithTextAroundExpressionsAndConstantOutputs) {
  auto read = bpmn::parser::ReadBpmnString(R"(<definitions
      xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
    <process id="p" isExecutable="true">
      <startEvent id="s"/>
      <userTask id="export">
        <extensionElements><camunda:inputOutput>
          <camunda:inputParameter name="task">Задание: ${expertTask}</camunda:inputParameter>
          <camunda:outputParameter name="info">Заявка ${ticket} по сделке ${deal}</camunda:outputParameter>
          <camunda:outputParameter name="exportState">передано</camunda:outputParameter>
          <camunda:outputParameter name="taskText">task</camunda:outputParameter>
        </camunda:inputOutput></extensionElements>
      </userTask>
      <endEvent id="e"/>
      <sequenceFlow id="f1" sourceRef="s" targetRef="export"/>
      <sequenceFlow id="f2" sourceRef="export" targetRef="e"/>
    </process></definitions>)");
  ASSERT_TRUE(read.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(read.definitions);
  Id id = *rt.Start("p", {{"expertTask", "замер"}, {"deal", "DEAL-42"}});
  auto tasks = rt.OpenTasks(id);
  ASSERT_EQ(tasks.size(), 1u);
  ASSERT_TRUE(rt.CompleteTask(tasks.front().task->id, "u",
                              {{"ticket", bpmn::expr::Value("DEP-7")}}));
  const Variables* vars = rt.RootVariables(id);
  ASSERT_NE(vars, nullptr);
  EXPECT_EQ(bpmn::expr::ToJson(vars->at("info")),
            "\"Заявка DEP-7 по сделке DEAL-42\"");
  EXPECT_EQ(bpmn::expr::ToJson(vars->at("exportState")), "\"передано\"");
  // A plain output naming a variable of the activity's scope takes its value.
  EXPECT_EQ(bpmn::expr::ToJson(vars->at("taskText")), "\"Задание: замер\"");
}

}  // namespace

namespace {

// `throw CODE` of an escalation policy leaves from the activity itself, also
// when the task works inside its own mapped scope: the interrupting boundary
// path runs, and the normal path does not.
TEST(Runtime, AnEscalationPolicyThrowInterruptsAMappedTask) {
  auto read = bpmn::parser::ReadBpmnString(R"(<definitions
      xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
    <escalation id="late" escalationCode="LATE"/>
    <process id="p" isExecutable="true">
      <startEvent id="s"/>
      <userTask id="approve" camunda:dueDate="PT1H">
        <extensionElements>
          <camunda:properties>
            <camunda:property name="escalation" value="throw LATE after due + PT1H"/>
          </camunda:properties>
          <camunda:inputOutput>
            <camunda:inputParameter name="what">${request}</camunda:inputParameter>
          </camunda:inputOutput>
        </extensionElements>
      </userTask>
      <boundaryEvent id="tooLate" attachedToRef="approve">
        <escalationEventDefinition escalationRef="late"/>
      </boundaryEvent>
      <userTask id="chase"/>
      <endEvent id="done"/>
      <endEvent id="chased"/>
      <sequenceFlow id="f1" sourceRef="s" targetRef="approve"/>
      <sequenceFlow id="f2" sourceRef="approve" targetRef="done"/>
      <sequenceFlow id="f3" sourceRef="tooLate" targetRef="chase"/>
      <sequenceFlow id="f4" sourceRef="chase" targetRef="chased"/>
    </process></definitions>)");
  ASSERT_TRUE(read.ok());
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  Runtime rt(clock);
  rt.Deploy(read.definitions);
  Id id = *rt.Start("p", {{"request", "отпуск"}});
  EXPECT_EQ(rt.Waiting(id), std::vector<std::string>{"approve"});
  // The task falls overdue at its due date, and the policy throws an hour
  // later: the runtime's next due times.
  EXPECT_EQ(rt.NextDue(), At("2026-03-02T10:00:00Z"));
  clock.Set(At("2026-03-02T10:30:00Z"));
  rt.FireDue();
  EXPECT_EQ(rt.Waiting(id), std::vector<std::string>{"approve"});
  EXPECT_EQ(rt.NextDue(), At("2026-03-02T11:00:00Z"));
  clock.Set(At("2026-03-02T11:00:00Z"));
  rt.FireDue();
  EXPECT_EQ(rt.Waiting(id), std::vector<std::string>{"chase"});
  EXPECT_FALSE(rt.NextDue());
  auto tasks = rt.OpenTasks(id);
  ASSERT_EQ(tasks.size(), 1u);
  ASSERT_TRUE(rt.CompleteTask(tasks.front().task->id, "u", {}));
  const auto* s = rt.Instance(id);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->status, bpmn::runtime::InstanceStatus::kCompleted);
  std::vector<std::string> completed;
  for (auto n : s->completed) completed.push_back(s->node(n).id);
  EXPECT_EQ(std::count(completed.begin(), completed.end(), "done"), 0);
  EXPECT_EQ(std::count(completed.begin(), completed.end(), "chased"), 1);
}

}  // namespace
