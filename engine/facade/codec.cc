// MessagePack through nlohmann::json. Records are positional arrays (field
// order is the format); the first element of a snapshot or globals record is
// the format number, so a later format can still read this one.
#include "facade/codec.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "expr/value.h"

namespace bpmn::engine {
namespace {

using nlohmann::json;
using runtime::Event;
using runtime::EventType;
using runtime::Id;
using runtime::InstanceState;
using runtime::TokenState;

constexpr int kFormat = 1;

// A decoding failure; caught at the boundary and turned into an Error.
struct Corrupt : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::int64_t Ms(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint At(const json& j) {
  return TimePoint(std::chrono::milliseconds(j.get<std::int64_t>()));
}

// ---- values: null, booleans and strings as themselves, the rest tagged.
enum ValueTag : int {
  kNumber = 1,
  kList,
  kContext,
  kDate,
  kTime,
  kDateTime,
  kDaysTime,
  kYearsMonths,
  kRange
};

json Offset(const std::optional<std::int32_t>& offset) {
  return offset ? json(*offset) : json(nullptr);
}
std::optional<std::int32_t> OffsetFrom(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::int32_t>();
}

json ValueToJson(const expr::Value& v) {
  using T = expr::Value::Type;
  switch (v.type()) {
    case T::kNull:
    case T::kFunction:  // not storable; a function value is never a variable
      return nullptr;
    case T::kBoolean:
      return v.boolean();
    case T::kString:
      return v.string();
    case T::kNumber:
      return json::array({kNumber, v.number().ToString()});
    case T::kList: {
      json items = json::array();
      for (const auto& item : v.list()) items.push_back(ValueToJson(item));
      return json::array({kList, std::move(items)});
    }
    case T::kContext: {
      json entries = json::array();
      for (const auto& [k, item] : v.context())
        entries.push_back(json::array({k, ValueToJson(item)}));
      return json::array({kContext, std::move(entries)});
    }
    case T::kDate:
      return json::array({kDate, v.date().days});
    case T::kTime:
      return json::array(
          {kTime, v.time().ms, Offset(v.time().offset_minutes), v.time().zone});
    case T::kDateTime:
      return json::array({kDateTime, v.date_time().local_ms,
                          Offset(v.date_time().offset_minutes),
                          v.date_time().zone});
    case T::kDaysTimeDuration:
      return json::array({kDaysTime, v.days_time().ms});
    case T::kYearsMonthsDuration:
      return json::array({kYearsMonths, v.years_months().months});
    case T::kRange: {
      const expr::Range& r = v.range();
      return json::array({kRange, ValueToJson(r.low), ValueToJson(r.high),
                          r.low_closed, r.high_closed});
    }
  }
  return nullptr;
}

expr::Value ValueFromJson(const json& j) {
  if (j.is_null()) return {};
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_string()) return j.get<std::string>();
  if (!j.is_array() || j.empty()) throw Corrupt("unreadable value");
  switch (j.at(0).get<int>()) {
    case kNumber: {
      auto d = expr::Decimal::Parse(j.at(1).get<std::string>());
      if (!d) throw Corrupt("unreadable number");
      return *d;
    }
    case kList: {
      expr::List items;
      for (const auto& item : j.at(1)) items.push_back(ValueFromJson(item));
      return items;
    }
    case kContext: {
      expr::Context entries;
      for (const auto& e : j.at(1))
        entries.emplace_back(e.at(0).get<std::string>(),
                             ValueFromJson(e.at(1)));
      return entries;
    }
    case kDate:
      return expr::Date{j.at(1).get<std::int32_t>()};
    case kTime:
      return expr::Time{j.at(1).get<std::int64_t>(), OffsetFrom(j.at(2)),
                        j.at(3).get<std::string>()};
    case kDateTime:
      return expr::DateTime{j.at(1).get<std::int64_t>(), OffsetFrom(j.at(2)),
                            j.at(3).get<std::string>()};
    case kDaysTime:
      return expr::DaysTimeDuration{j.at(1).get<std::int64_t>()};
    case kYearsMonths:
      return expr::YearsMonthsDuration{j.at(1).get<std::int64_t>()};
    case kRange: {
      auto r = std::make_shared<expr::Range>();
      r->low = ValueFromJson(j.at(1));
      r->high = ValueFromJson(j.at(2));
      r->low_closed = j.at(3).get<bool>();
      r->high_closed = j.at(4).get<bool>();
      return std::shared_ptr<const expr::Range>(std::move(r));
    }
  }
  throw Corrupt("unknown value tag");
}

json VariablesToJson(const runtime::Variables& vars) {
  json out = json::array();
  for (const auto& [k, v] : vars)
    out.push_back(json::array({k, ValueToJson(v)}));
  return out;
}
runtime::Variables VariablesFromJson(const json& j) {
  runtime::Variables out;
  for (const auto& e : j)
    out.emplace(e.at(0).get<std::string>(), ValueFromJson(e.at(1)));
  return out;
}

// ---- bounds checks against the definitions
struct Bounds {
  std::size_t nodes, flows, processes;
  std::uint32_t Node(const json& j) const {
    auto n = j.get<std::uint32_t>();
    if (n != model::kNoIndex && n >= nodes)
      throw Corrupt("element out of range");
    return n;
  }
  std::uint32_t Flow(const json& j) const {
    auto f = j.get<std::uint32_t>();
    if (f != model::kNoIndex && f >= flows) throw Corrupt("flow out of range");
    return f;
  }
};

template <typename E>
E EnumFrom(const json& j, E last) {
  auto v = j.get<int>();
  if (v < 0 || v > static_cast<int>(last)) throw Corrupt("unknown state");
  return static_cast<E>(v);
}

json Strings(const std::vector<std::string>& list) { return list; }
std::vector<std::string> StringsFrom(const json& j) {
  return j.get<std::vector<std::string>>();
}
json Indices(const std::vector<std::uint32_t>& list) { return list; }

json InstanceToJson(const InstanceState& s) {
  json tokens = json::array();
  for (const auto& [id, t] : s.tokens)
    tokens.push_back({t.id, t.node, t.scope, static_cast<int>(t.state),
                      t.via_flow, t.inner});
  json joins = json::array();
  for (const auto& [key, join] : s.joins)
    joins.push_back({key.first, key.second, join.by_flow, join.filled});
  json reach = json::array();
  for (const auto& [key, n] : s.join_reach)
    reach.push_back({key.first, key.second, n});
  json scopes = json::array();
  for (const auto& sc : s.scopes)
    scopes.push_back({sc.id, sc.parent, sc.node, sc.host_token,
                      VariablesToJson(sc.variables), sc.open, sc.multi_instance,
                      ValueToJson(sc.items), sc.local});
  json tasks = json::array();
  for (const auto& t : s.tasks)
    tasks.push_back({t.id, t.token, t.node, Strings(t.roles),
                     Strings(t.candidate_users), t.assignee, Ms(t.created),
                     t.due ? json(Ms(*t.due)) : json(nullptr), t.open});
  json jobs = json::array();
  for (const auto& j : s.jobs)
    jobs.push_back({j.id, j.token, j.node, j.type, j.retries, j.open});
  json timers = json::array();
  for (const auto& t : s.timers)
    timers.push_back(
        {t.id, t.token, t.node, Ms(t.due), t.remaining, t.interval_ms, t.open});
  json subs = json::array();
  for (const auto& x : s.subscriptions)
    subs.push_back({x.id, x.token, x.node, x.signal, x.name, x.correlation_key,
                    x.open, x.conditional, x.armed_true});
  json incidents = json::array();
  for (const auto& i : s.incidents)
    incidents.push_back({i.id, i.token, i.node, i.message, i.open});
  json queue = json::array();
  for (const auto& [thrower, nodes] : s.compensation_queue)
    queue.push_back({thrower, Indices(nodes)});
  json compensating = json::array();
  for (const auto& [handler, thrower] : s.compensating)
    compensating.push_back({handler, thrower});
  return json::array({kFormat,
                      s.id,
                      s.process,
                      s.business_key,
                      static_cast<int>(s.status),
                      s.parent_instance,
                      s.parent_token,
                      std::move(tokens),
                      std::move(joins),
                      std::move(reach),
                      std::move(scopes),
                      std::move(tasks),
                      std::move(jobs),
                      std::move(timers),
                      std::move(subs),
                      std::move(incidents),
                      Indices(s.completed),
                      Indices(s.escalated),
                      Indices(s.taken_flows),
                      std::move(queue),
                      std::move(compensating)});
}

std::vector<std::uint32_t> NodesFrom(const json& j, const Bounds& b) {
  std::vector<std::uint32_t> out;
  for (const auto& n : j) out.push_back(b.Node(n));
  return out;
}

std::unique_ptr<InstanceState> InstanceFromJson(
    const json& j, std::shared_ptr<const model::Definitions> defs) {
  if (j.at(0).get<int>() != kFormat) throw Corrupt("unknown snapshot format");
  Bounds b{defs->nodes().size(), defs->flows().size(),
           defs->processes().size()};
  auto s = std::make_unique<InstanceState>();
  s->id = j.at(1).get<Id>();
  s->process = j.at(2).get<std::uint32_t>();
  if (s->process >= b.processes) throw Corrupt("process out of range");
  s->definitions = std::move(defs);
  s->business_key = j.at(3).get<std::string>();
  s->status = EnumFrom(j.at(4), runtime::InstanceStatus::kIncident);
  s->parent_instance = j.at(5).get<Id>();
  s->parent_token = j.at(6).get<Id>();
  for (const auto& t : j.at(7)) {
    runtime::Token token{
        t.at(0).get<Id>(), b.Node(t.at(1)),
        t.at(2).get<Id>(), EnumFrom(t.at(3), TokenState::kDone),
        b.Flow(t.at(4)),   t.at(5).get<bool>()};
    if (token.node == model::kNoIndex) throw Corrupt("token without element");
    s->tokens.emplace(token.id, token);
  }
  for (const auto& x : j.at(8)) {
    runtime::JoinState join;
    join.by_flow = x.at(2).get<std::vector<std::vector<Id>>>();
    join.filled = x.at(3).get<std::size_t>();
    s->joins.emplace(std::pair{b.Node(x.at(0)), x.at(1).get<Id>()},
                     std::move(join));
  }
  for (const auto& x : j.at(9))
    s->join_reach.emplace(std::pair{b.Node(x.at(0)), x.at(1).get<Id>()},
                          x.at(2).get<std::int64_t>());
  for (const auto& x : j.at(10)) {
    runtime::Scope sc;
    sc.id = x.at(0).get<Id>();
    sc.parent = x.at(1).get<Id>();
    sc.node = b.Node(x.at(2));
    sc.host_token = x.at(3).get<Id>();
    sc.variables = VariablesFromJson(x.at(4));
    sc.open = x.at(5).get<bool>();
    sc.multi_instance = x.at(6).get<bool>();
    sc.items = ValueFromJson(x.at(7));
    sc.local = x.at(8).get<bool>();
    s->scopes.push_back(std::move(sc));
  }
  for (const auto& x : j.at(11)) {
    runtime::UserTask t;
    t.id = x.at(0).get<Id>();
    t.token = x.at(1).get<Id>();
    t.node = b.Node(x.at(2));
    t.roles = StringsFrom(x.at(3));
    t.candidate_users = StringsFrom(x.at(4));
    t.assignee = x.at(5).get<std::string>();
    t.created = At(x.at(6));
    if (!x.at(7).is_null()) t.due = At(x.at(7));
    t.open = x.at(8).get<bool>();
    s->tasks.push_back(std::move(t));
  }
  for (const auto& x : j.at(12))
    s->jobs.push_back(runtime::Job{x.at(0).get<Id>(), x.at(1).get<Id>(),
                                   b.Node(x.at(2)), x.at(3).get<std::string>(),
                                   x.at(4).get<std::int64_t>(),
                                   x.at(5).get<bool>()});
  for (const auto& x : j.at(13))
    s->timers.push_back(
        runtime::Timer{x.at(0).get<Id>(), x.at(1).get<Id>(), b.Node(x.at(2)),
                       At(x.at(3)), x.at(4).get<std::int64_t>(),
                       x.at(5).get<std::int64_t>(), x.at(6).get<bool>()});
  for (const auto& x : j.at(14))
    s->subscriptions.push_back(runtime::Subscription{
        x.at(0).get<Id>(), x.at(1).get<Id>(), b.Node(x.at(2)),
        x.at(3).get<bool>(), x.at(4).get<std::string>(),
        x.at(5).get<std::string>(), x.at(6).get<bool>(), x.at(7).get<bool>(),
        x.at(8).get<bool>()});
  for (const auto& x : j.at(15))
    s->incidents.push_back(
        runtime::Incident{x.at(0).get<Id>(), x.at(1).get<Id>(), b.Node(x.at(2)),
                          x.at(3).get<std::string>(), x.at(4).get<bool>()});
  s->completed = NodesFrom(j.at(16), b);
  s->escalated = NodesFrom(j.at(17), b);
  for (const auto& f : j.at(18)) s->taken_flows.push_back(b.Flow(f));
  for (const auto& x : j.at(19))
    s->compensation_queue[x.at(0).get<Id>()] = NodesFrom(x.at(1), b);
  for (const auto& x : j.at(20))
    s->compensating[x.at(0).get<Id>()] = x.at(1).get<Id>();
  return s;
}

// An event relative to the one before it in its record: the sequence and
// time deltas, then its fields; trailing fields at their defaults are left
// out, and element and flow indices are stored plus one (0: none).
json EventToJson(const Event& e, const Event& before) {
  auto index = [](std::uint32_t i) -> std::uint64_t {
    return i == model::kNoIndex ? 0 : std::uint64_t{i} + 1;
  };
  json fields =
      json::array({static_cast<int>(e.type), e.seq - before.seq,
                   Ms(e.at) - Ms(before.at), e.token, e.scope, e.parent, e.item,
                   index(e.node), index(e.flow), static_cast<int>(e.state),
                   e.flag, e.number, e.number2, Ms(e.time), e.text, e.text2,
                   Strings(e.list), Strings(e.list2), ValueToJson(e.value)});
  while (fields.size() > 3) {
    const json& last = fields.back();
    bool is_default = last.is_null() ||
                      (last.is_boolean() && !last.get<bool>()) ||
                      (last.is_number() && last.get<std::int64_t>() == 0) ||
                      (last.is_string() && last.get<std::string>().empty()) ||
                      (last.is_array() && last.empty());
    if (!is_default) break;
    fields.erase(fields.size() - 1);
  }
  return fields;
}

Event EventFromJson(const json& j, const Event& before) {
  auto field = [&](std::size_t i) -> const json* {
    return i < j.size() ? &j.at(i) : nullptr;
  };
  auto number = [&](std::size_t i) -> std::int64_t {
    const json* f = field(i);
    return f ? f->get<std::int64_t>() : 0;
  };
  auto text = [&](std::size_t i) -> std::string {
    const json* f = field(i);
    return f ? f->get<std::string>() : std::string();
  };
  auto index = [&](std::size_t i) -> std::uint32_t {
    auto v = number(i);
    if (v < 0 || v > std::int64_t{model::kNoIndex}) throw Corrupt("index");
    return v == 0 ? model::kNoIndex : static_cast<std::uint32_t>(v - 1);
  };
  Event e;
  e.type = EnumFrom(j.at(0), EventType::kCompensationDone);
  e.seq = before.seq + static_cast<std::uint64_t>(number(1));
  e.at = TimePoint(std::chrono::milliseconds(Ms(before.at) + number(2)));
  e.instance = before.instance;
  e.token = static_cast<Id>(number(3));
  e.scope = static_cast<Id>(number(4));
  e.parent = static_cast<Id>(number(5));
  e.item = static_cast<Id>(number(6));
  e.node = index(7);
  e.flow = index(8);
  e.state =
      field(9) ? EnumFrom(*field(9), TokenState::kDone) : TokenState::kReady;
  e.flag = field(10) && field(10)->get<bool>();
  e.number = number(11);
  e.number2 = number(12);
  e.time = TimePoint(std::chrono::milliseconds(number(13)));
  e.text = text(14);
  e.text2 = text(15);
  if (field(16)) e.list = StringsFrom(*field(16));
  if (field(17)) e.list2 = StringsFrom(*field(17));
  if (field(18)) e.value = ValueFromJson(*field(18));
  return e;
}

std::string Pack(const json& j) {
  auto bytes = json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

template <typename T, typename F>
Result<T> Unpack(std::string_view data, const char* what, F&& read) {
  try {
    json j = json::from_msgpack(data.begin(), data.end());
    return read(j);
  } catch (const std::exception& ex) {
    return Fail(ErrorCode::kIo,
                std::string("damaged ") + what + " record: " + ex.what());
  }
}

}  // namespace

std::string EncodeInstance(const InstanceState& state) {
  return Pack(InstanceToJson(state));
}

Result<std::unique_ptr<InstanceState>> DecodeInstance(
    std::string_view data, std::shared_ptr<const model::Definitions> defs) {
  if (!defs) return Fail(ErrorCode::kIo, "instance without definitions");
  return Unpack<std::unique_ptr<InstanceState>>(
      data, "instance",
      [&](const json& j) { return InstanceFromJson(j, defs); });
}

store::EventRecord EncodeEvents(const std::vector<Event>& events) {
  store::EventRecord record;
  if (events.empty()) return record;
  Event before;
  before.seq = events.front().seq;
  before.at = events.front().at;
  record.seq = before.seq;
  record.at = Ms(before.at);
  record.instance = events.front().instance;
  record.count = static_cast<std::int64_t>(events.size());
  json list = json::array();
  for (const auto& e : events) {
    list.push_back(EventToJson(e, before));
    before = e;
  }
  record.data = Pack(list);
  return record;
}

Result<std::vector<Event>> DecodeEvents(const store::EventRecord& record) {
  return Unpack<std::vector<Event>>(record.data, "history", [&](const json& j) {
    std::vector<Event> out;
    Event before;
    before.seq = record.seq;
    before.at = TimePoint(std::chrono::milliseconds(record.at));
    before.instance = record.instance;
    for (const auto& item : j) {
      Event e = EventFromJson(item, before);
      before = e;
      out.push_back(std::move(e));
    }
    return out;
  });
}

std::string EncodeGlobals(const runtime::Runtime::Globals& g,
                          const DefinitionsIdOf& id_of) {
  json timers = json::array();
  for (const auto& t : g.start_timers)
    timers.push_back({t.id, id_of(t.definitions.get()), t.process, t.node,
                      Ms(t.due), t.remaining, t.interval_ms});
  json buffered = json::array();
  for (const auto& m : g.buffered)
    buffered.push_back(
        {m.name, m.key, VariablesToJson(m.variables), Ms(m.expires)});
  return Pack(json::array({kFormat, g.next_id, g.next_seq, std::move(timers),
                           std::move(buffered)}));
}

Result<runtime::Runtime::Globals> DecodeGlobals(std::string_view data,
                                                const DefinitionsById& by_id) {
  return Unpack<runtime::Runtime::Globals>(data, "engine", [&](const json& j) {
    if (j.at(0).get<int>() != kFormat) throw Corrupt("unknown engine format");
    runtime::Runtime::Globals g;
    g.next_id = j.at(1).get<std::uint64_t>();
    g.next_seq = j.at(2).get<std::uint64_t>();
    for (const auto& x : j.at(3)) {
      auto defs = by_id(x.at(1).get<std::int64_t>());
      if (!defs) throw Corrupt("start timer of unknown definitions");
      Bounds b{defs->nodes().size(), defs->flows().size(),
               defs->processes().size()};
      auto process = x.at(2).get<std::uint32_t>();
      if (process >= b.processes) throw Corrupt("process out of range");
      g.start_timers.push_back(runtime::Runtime::StartTimer{
          x.at(0).get<Id>(), defs, process, b.Node(x.at(3)), At(x.at(4)),
          x.at(5).get<std::int64_t>(), x.at(6).get<std::int64_t>()});
    }
    for (const auto& x : j.at(4))
      g.buffered.push_back(runtime::Runtime::BufferedMessage{
          x.at(0).get<std::string>(), x.at(1).get<std::string>(),
          VariablesFromJson(x.at(2)), At(x.at(3))});
    return g;
  });
}

}  // namespace bpmn::engine
