// Instance migration in the interpreter (Runtime::CheckMigration and
// MigrateInstance): which waiting instances move to a changed version, what
// a refusal says and that it changes nothing, and that moved instances go on
// along the target's paths, their timers and messages included.
#include "runtime/migration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/iso8601.h"
#include "parser/bpmn_reader.h"
#include "runtime/runtime.h"

namespace {

using bpmn::ErrorCode;
using bpmn::runtime::EventType;
using bpmn::runtime::Id;
using bpmn::runtime::InstanceStatus;
using bpmn::runtime::MigrationTarget;
using bpmn::runtime::Runtime;
using Definitions = std::shared_ptr<const bpmn::model::Definitions>;

Definitions Read(const std::string& process) {
  auto r = bpmn::parser::ReadBpmnString(
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
      "id=\"d\" targetNamespace=\"urn:migration\">"
      "<message id=\"m\" name=\"paid\"/>" +
      process + "</definitions>");
  EXPECT_TRUE(r.ok());
  return r.definitions;
}

// A chain start -> NODES... -> end of user tasks (or other elements given
// as XML), flows f0, f1, ...
std::string Chain(const std::vector<std::string>& nodes) {
  std::string xml = "<process id=\"order\" isExecutable=\"true\">";
  xml += "<startEvent id=\"s\"/><endEvent id=\"e\"/>";
  std::vector<std::string> ids = {"s"};
  for (const auto& n : nodes) {
    if (n.front() == '<') {
      xml += n;
      auto at = n.find("id=\"") + 4;
      ids.push_back(n.substr(at, n.find('"', at) - at));
    } else {
      xml += "<userTask id=\"" + n + "\"/>";
      ids.push_back(n);
    }
  }
  ids.push_back("e");
  for (std::size_t i = 0; i + 1 < ids.size(); ++i)
    xml += "<sequenceFlow id=\"f" + ids[i] + "\" sourceRef=\"" + ids[i] +
           "\" targetRef=\"" + ids[i + 1] + "\"/>";
  return xml + "</process>";
}

// Version 1: review, check, legacy, pack. Version 2: check renamed verify,
// legacy removed, ship added after pack.
Definitions V1() { return Read(Chain({"review", "check", "legacy", "pack"})); }
Definitions V2() { return Read(Chain({"review", "verify", "pack", "ship"})); }

MigrationTarget To(Definitions defs,
                   std::vector<std::pair<std::string, std::string>> map = {}) {
  return MigrationTarget{std::move(defs), "order", 2, 2, 1, 1, std::move(map)};
}

std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

bpmn::TimePoint At(const char* iso) {
  return *bpmn::model::ParseIsoDateTime(iso);
}

class Migration : public ::testing::Test {
 protected:
  Migration() : clock_(At("2026-03-02T09:00:00Z")), rt_(clock_) {}

  // Completes the open task of `instance` at `element`; false when none.
  bool Complete(Id instance, const std::string& element) {
    for (const auto& ref : rt_.OpenTasks(instance)) {
      if (ref.instance->node(ref.task->node).id != element) continue;
      auto done = rt_.CompleteTask(ref.task->id, "u", {});
      EXPECT_TRUE(done) << done.error().message;
      return done.has_value();
    }
    ADD_FAILURE() << "no open task at " << element;
    return false;
  }

  // A new instance of the deployed version, waiting at `element` of the
  // chain.
  Id StartAt(const std::string& element,
             const std::vector<std::string>& before) {
    Id id = *rt_.Start("order", {});
    for (const auto& e : before) Complete(id, e);
    EXPECT_EQ(rt_.Waiting(id), std::vector<std::string>{element});
    return id;
  }

  std::vector<std::string> Completed(Id instance) {
    std::vector<std::string> out;
    const auto* s = rt_.Instance(instance);
    for (auto n : s->completed) out.push_back(s->node(n).id);
    return out;
  }

  bpmn::ManualClock clock_;
  Runtime rt_;
};

TEST_F(Migration, MovedInstancesGoOnAlongTheTargetsPath) {
  auto v1 = V1();
  auto v2 = V2();
  rt_.Deploy(v1);
  Id at_review = StartAt("review", {});
  Id at_check = StartAt("check", {"review"});
  Id at_pack = StartAt("pack", {"review", "check", "legacy"});
  rt_.Deploy(v2);
  const auto target = To(v2, {{"check", "verify"}});
  for (Id id : {at_review, at_check, at_pack}) {
    auto moved = rt_.MigrateInstance(id, target);
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_EQ(rt_.Instance(id)->definitions, v2);
  }
  EXPECT_EQ(rt_.Waiting(at_check), std::vector<std::string>{"verify"});
  // The open task is the same task, now at the renamed element.
  ASSERT_EQ(rt_.OpenTasks(at_check).size(), 1u);
  EXPECT_EQ(rt_.OpenTasks(at_check)[0]
                .instance->node(rt_.OpenTasks(at_check)[0].task->node)
                .id,
            "verify");
  for (const char* e : {"review", "verify", "pack", "ship"})
    Complete(at_review, e);
  for (const char* e : {"verify", "pack", "ship"}) Complete(at_check, e);
  for (const char* e : {"pack", "ship"}) Complete(at_pack, e);
  for (Id id : {at_review, at_check, at_pack})
    EXPECT_EQ(rt_.Instance(id)->status, InstanceStatus::kCompleted) << id;
  // What it completed before the move is kept where v2 has a counterpart
  // (legacy has none).
  EXPECT_EQ(
      Completed(at_pack),
      (std::vector<std::string>{"s", "review", "verify", "pack", "ship", "e"}));
  std::size_t migrated = 0;
  for (const auto& e : rt_.log())
    if (e.type == EventType::kInstanceMigrated) {
      ++migrated;
      EXPECT_EQ(e.text, "order");
      EXPECT_EQ(e.number2, 2);
      EXPECT_EQ(e.list, std::vector<std::string>{"check"});
      EXPECT_EQ(e.list2, std::vector<std::string>{"verify"});
      EXPECT_EQ(bpmn::runtime::MigratedFromVersion(e), 1);
    }
  EXPECT_EQ(migrated, 3u);
}

TEST_F(Migration, ARefusalNamesTheElementAndChangesNothing) {
  auto v1 = V1();
  auto v2 = V2();
  rt_.Deploy(v1);
  Id at_legacy = StartAt("legacy", {"review", "check"});
  Id at_check = StartAt("check", {"review"});
  const std::size_t events = rt_.log().size();
  auto removed = rt_.MigrateInstance(at_legacy, To(v2, {{"check", "verify"}}));
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, ErrorCode::kState);
  EXPECT_EQ(removed.error().element_id, "legacy");
  EXPECT_NE(removed.error().message.find("no counterpart in order version 2"),
            std::string::npos)
      << removed.error().message;
  // Without --map, the renamed task has no counterpart either; the message
  // says how to name one.
  auto renamed = rt_.MigrateInstance(at_check, To(v2));
  ASSERT_FALSE(renamed);
  EXPECT_EQ(renamed.error().element_id, "check");
  EXPECT_NE(renamed.error().message.find("--map check=ID"), std::string::npos)
      << renamed.error().message;
  EXPECT_EQ(rt_.log().size(), events);
  EXPECT_EQ(rt_.Instance(at_legacy)->definitions, v1);
  EXPECT_EQ(rt_.Instance(at_check)->definitions, v1);
  // Both go on along version 1.
  for (const char* e : {"legacy", "pack"}) Complete(at_legacy, e);
  for (const char* e : {"check", "legacy", "pack"}) Complete(at_check, e);
  EXPECT_EQ(rt_.Instance(at_legacy)->status, InstanceStatus::kCompleted);
  EXPECT_EQ(rt_.Instance(at_check)->status, InstanceStatus::kCompleted);
}

TEST_F(Migration, AMapNamingAMissingElementIsNotFound) {
  auto v1 = V1();
  auto v2 = V2();
  rt_.Deploy(v1);
  Id id = StartAt("review", {});
  auto old_missing = rt_.CheckMigration(id, To(v2, {{"nope", "verify"}}));
  ASSERT_FALSE(old_missing);
  EXPECT_EQ(old_missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(old_missing.error().element_id, "nope");
  auto new_missing = rt_.CheckMigration(id, To(v2, {{"check", "nope"}}));
  ASSERT_FALSE(new_missing);
  EXPECT_EQ(new_missing.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(rt_.CheckMigration(id, To(v2, {{"check", "verify"}})));
}

TEST_F(Migration, AnotherKindOfElementIsRefused) {
  rt_.Deploy(V1());
  Id id = StartAt("check", {"review"});
  auto v2 = Read(Chain({"review", "<serviceTask id=\"check\"/>", "pack"}));
  auto moved = rt_.MigrateInstance(id, To(v2));
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, ErrorCode::kState);
  EXPECT_NE(moved.error().message.find("is a userTask but"), std::string::npos)
      << moved.error().message;
}

// s -> SUB (ss -> inner -> se) -> after -> e; with `inner_inside` false,
// inner moves out in front of the sub-process: s -> inner -> SUB (ss -> se).
std::string WithSubProcess(const std::string& sub, bool inner_inside) {
  std::string xml =
      "<process id=\"order\" isExecutable=\"true\"><startEvent id=\"s\"/>"
      "<userTask id=\"inner\"/><userTask id=\"after\"/><endEvent id=\"e\"/>";
  if (inner_inside) {
    xml = Replace(xml, "<userTask id=\"inner\"/>", "");
    xml += "<subProcess id=\"" + sub +
           "\"><startEvent id=\"ss\"/><userTask id=\"inner\"/>"
           "<endEvent id=\"se\"/>"
           "<sequenceFlow id=\"g1\" sourceRef=\"ss\" targetRef=\"inner\"/>"
           "<sequenceFlow id=\"g2\" sourceRef=\"inner\" targetRef=\"se\"/>"
           "</subProcess>"
           "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"" +
           sub + "\"/>";
  } else {
    xml += "<subProcess id=\"" + sub +
           "\"><startEvent id=\"ss\"/><endEvent id=\"se\"/>"
           "<sequenceFlow id=\"g1\" sourceRef=\"ss\" targetRef=\"se\"/>"
           "</subProcess>"
           "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"inner\"/>"
           "<sequenceFlow id=\"f0\" sourceRef=\"inner\" targetRef=\"" +
           sub + "\"/>";
  }
  return xml + "<sequenceFlow id=\"f2\" sourceRef=\"" + sub +
         "\" targetRef=\"after\"/>"
         "<sequenceFlow id=\"f3\" sourceRef=\"after\" targetRef=\"e\"/>"
         "</process>";
}

TEST_F(Migration, ATokenInASubProcessNeedsItsSubProcessMappedToo) {
  rt_.Deploy(Read(WithSubProcess("stage", true)));
  Id id = StartAt("inner", {});
  auto v2 = Read(WithSubProcess("phase", true));
  // Mapping the task alone is not enough: it waits inside `stage`.
  auto unmapped = rt_.MigrateInstance(id, To(v2, {{"inner", "inner"}}));
  ASSERT_FALSE(unmapped);
  EXPECT_EQ(unmapped.error().element_id, "stage");
  auto outside =
      rt_.CheckMigration(id, To(Read(WithSubProcess("stage", false))));
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().element_id, "inner");
  EXPECT_NE(outside.error().message.find("lies in the sub-process 'stage'"),
            std::string::npos)
      << outside.error().message;
  auto moved = rt_.MigrateInstance(id, To(v2, {{"stage", "phase"}}));
  ASSERT_TRUE(moved) << moved.error().message;
  Complete(id, "inner");
  EXPECT_EQ(rt_.Waiting(id), std::vector<std::string>{"after"});
  Complete(id, "after");
  EXPECT_EQ(rt_.Instance(id)->status, InstanceStatus::kCompleted);
  auto completed = Completed(id);
  EXPECT_NE(std::find(completed.begin(), completed.end(), "phase"),
            completed.end());
}

TEST_F(Migration, TokensAtAJoinAreRefused) {
  const std::string fork =
      "<process id=\"order\" isExecutable=\"true\"><startEvent id=\"s\"/>"
      "<parallelGateway id=\"fork\"/><userTask id=\"a\"/><userTask id=\"b\"/>"
      "<parallelGateway id=\"join\"/><endEvent id=\"e\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"fork\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"fork\" targetRef=\"a\"/>"
      "<sequenceFlow id=\"f3\" sourceRef=\"fork\" targetRef=\"b\"/>"
      "<sequenceFlow id=\"f4\" sourceRef=\"a\" targetRef=\"join\"/>"
      "<sequenceFlow id=\"f5\" sourceRef=\"b\" targetRef=\"join\"/>"
      "<sequenceFlow id=\"f6\" sourceRef=\"join\" targetRef=\"e\"/></process>";
  rt_.Deploy(Read(fork));
  Id id = *rt_.Start("order", {});
  auto same = Read(fork);
  EXPECT_TRUE(rt_.CheckMigration(id, To(same)));  // at a and b: movable
  Complete(id, "a");
  auto joined = rt_.MigrateInstance(id, To(same));
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().element_id, "join");
  EXPECT_NE(joined.error().message.find("gateway"), std::string::npos);
}

TEST_F(Migration, IncidentsAndFinishedInstancesAreRefused) {
  // No condition holds (JUEL: x is unknown): an incident at g.
  const std::string gateway =
      "<process id=\"order\" isExecutable=\"true\"><startEvent id=\"s\"/>"
      "<exclusiveGateway id=\"g\"/><endEvent id=\"a\"/><endEvent id=\"b\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"g\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"a\">"
      "<conditionExpression>${x &gt; 1}</conditionExpression></sequenceFlow>"
      "<sequenceFlow id=\"f3\" sourceRef=\"g\" targetRef=\"b\">"
      "<conditionExpression>${x &gt; 5}</conditionExpression></sequenceFlow>"
      "</process>";
  rt_.Deploy(Read(gateway));
  Id broken = *rt_.Start("order", {});
  ASSERT_EQ(rt_.Instance(broken)->status, InstanceStatus::kIncident);
  auto v2 = Read(gateway);
  auto incident = rt_.MigrateInstance(broken, To(v2));
  ASSERT_FALSE(incident);
  EXPECT_EQ(incident.error().code, ErrorCode::kState);
  EXPECT_NE(incident.error().message.find("incident"), std::string::npos);
  EXPECT_EQ(incident.error().element_id, "g");
  rt_.Deploy(Read(Chain({})));
  Id done = *rt_.Start("order", {});
  ASSERT_EQ(rt_.Instance(done)->status, InstanceStatus::kCompleted);
  auto finished = rt_.MigrateInstance(done, To(v2));
  ASSERT_FALSE(finished);
  EXPECT_NE(finished.error().message.find("finished"), std::string::npos);
}

TEST_F(Migration, TimersAndMessagesOfAMovedInstanceStillFire) {
  // review has a boundary timer (an hour) to `late`; pay waits for a message.
  auto version = [](const std::string& extra) {
    return Read(
        "<process id=\"order\" isExecutable=\"true\"><startEvent id=\"s\"/>"
        "<userTask id=\"review\"/>"
        "<boundaryEvent id=\"slow\" attachedToRef=\"review\">"
        "<timerEventDefinition><timeDuration>PT1H</timeDuration>"
        "</timerEventDefinition></boundaryEvent><userTask id=\"late\"/>"
        "<receiveTask id=\"pay\" messageRef=\"m\"/>" +
        extra +
        "<endEvent id=\"e\"/>"
        "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"review\"/>"
        "<sequenceFlow id=\"f2\" sourceRef=\"review\" targetRef=\"pay\"/>"
        "<sequenceFlow id=\"f3\" sourceRef=\"slow\" targetRef=\"late\"/>"
        "<sequenceFlow id=\"f4\" sourceRef=\"late\" targetRef=\"e\"/>" +
        (extra.empty()
             ? "<sequenceFlow id=\"f5\" sourceRef=\"pay\" targetRef=\"e\"/>"
             : "<sequenceFlow id=\"f5\" sourceRef=\"pay\" targetRef=\"x\"/>"
               "<sequenceFlow id=\"f6\" sourceRef=\"x\" targetRef=\"e\"/>") +
        "</process>");
  };
  rt_.Deploy(version(""));
  Id timed = *rt_.Start("order", {});
  Id paying = *rt_.Start("order", {}, "ORDER-7");
  Complete(paying, "review");
  ASSERT_EQ(rt_.Waiting(paying), std::vector<std::string>{"pay"});
  auto v2 = version("<userTask id=\"x\"/>");
  ASSERT_TRUE(rt_.MigrateInstance(timed, To(v2)));
  ASSERT_TRUE(rt_.MigrateInstance(paying, To(v2)));
  clock_.Advance(std::chrono::minutes(61));
  rt_.FireDue();
  EXPECT_EQ(rt_.Waiting(timed), std::vector<std::string>{"late"});
  ASSERT_TRUE(rt_.CorrelateMessage("paid", "ORDER-7", {}));
  // Along version 2: after pay comes x.
  EXPECT_EQ(rt_.Waiting(paying), std::vector<std::string>{"x"});
}

TEST_F(Migration, AWaitForARenamedMessageIsRefused) {
  rt_.Deploy(
      Read(Chain({"review", "<receiveTask id=\"pay\" messageRef=\"m\"/>"})));
  Id id = StartAt("review", {});
  Complete(id, "review");
  ASSERT_EQ(rt_.Waiting(id), std::vector<std::string>{"pay"});
  // Version 2 waits at pay for message `paid-v2`: the open subscription
  // (`paid`) would never be delivered there.
  auto v2 =
      Read("<message id=\"m2\" name=\"paid-v2\"/>" +
           Chain({"review", "<receiveTask id=\"pay\" messageRef=\"m2\"/>"}));
  auto moved = rt_.MigrateInstance(id, To(v2));
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, ErrorCode::kState);
  EXPECT_NE(moved.error().message.find("message 'paid'"), std::string::npos)
      << moved.error().message;
  EXPECT_EQ(rt_.Instance(id)->definitions->FindMessage("m2"), nullptr);
  ASSERT_TRUE(rt_.CorrelateMessage("paid", "", {}));
  EXPECT_EQ(rt_.Instance(id)->status, InstanceStatus::kCompleted);
}

TEST_F(Migration, BoundaryEventsTheTargetAddsAreArmed) {
  rt_.Deploy(V1());
  Id id = StartAt("review", {});
  auto v2 = Read(
      "<process id=\"order\" isExecutable=\"true\"><startEvent id=\"s\"/>"
      "<userTask id=\"review\"/>"
      "<boundaryEvent id=\"remind\" attachedToRef=\"review\" "
      "cancelActivity=\"false\"><timerEventDefinition>"
      "<timeDuration>PT2H</timeDuration></timerEventDefinition>"
      "</boundaryEvent><userTask id=\"call\"/><endEvent id=\"e\"/>"
      "<endEvent id=\"e2\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"review\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"review\" targetRef=\"e\"/>"
      "<sequenceFlow id=\"f3\" sourceRef=\"remind\" targetRef=\"call\"/>"
      "<sequenceFlow id=\"f4\" sourceRef=\"call\" targetRef=\"e2\"/>"
      "</process>");
  ASSERT_TRUE(rt_.MigrateInstance(id, To(v2)));
  ASSERT_EQ(rt_.Instance(id)->timers.size(), 1u);
  // Counted from the move.
  EXPECT_EQ(rt_.Instance(id)->timers[0].due, At("2026-03-02T11:00:00Z"));
  clock_.Advance(std::chrono::hours(3));
  rt_.FireDue();
  EXPECT_EQ(rt_.Waiting(id), (std::vector<std::string>{"call", "review"}));
}

TEST_F(Migration, ACalledInstanceStaysOnItsDefinitions) {
  const std::string called =
      "<process id=\"sub\" isExecutable=\"true\"><startEvent id=\"cs\"/>"
      "<userTask id=\"work\"/><endEvent id=\"ce\"/>"
      "<sequenceFlow id=\"c1\" sourceRef=\"cs\" targetRef=\"work\"/>"
      "<sequenceFlow id=\"c2\" sourceRef=\"work\" targetRef=\"ce\"/>"
      "</process>";
  auto caller = [&](const std::string& after) {
    return Read(
        called +
        Chain({"<callActivity id=\"call\" calledElement=\"sub\"/>", after}));
  };
  auto v1 = caller("wrap");
  rt_.Deploy(v1);
  Id parent = *rt_.Start("order", {});
  ASSERT_EQ(rt_.Family(parent).size(), 2u);
  Id child = rt_.Family(parent)[1]->id;
  auto v2 = caller("close");
  ASSERT_TRUE(rt_.MigrateInstance(parent, To(v2)));
  EXPECT_EQ(rt_.Instance(parent)->definitions, v2);
  EXPECT_EQ(rt_.Instance(child)->definitions, v1);
  Complete(child, "work");
  EXPECT_EQ(rt_.Waiting(parent), std::vector<std::string>{"close"});
}

}  // namespace
