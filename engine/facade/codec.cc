// MessagePack through msgpack-cxx: written straight into a buffer, read back
// as a msgpack object tree in one arena. Records are positional arrays (field
// order is the format); the first element of a snapshot or globals record is
// the format number, so a later format can still read this one.
#include "facade/codec.h"

#include <algorithm>
#include <cstring>
#include <msgpack.hpp>
#include <stdexcept>

#include "expr/value.h"

namespace bpmn::engine {
namespace {

using runtime::Event;
using runtime::EventType;
using runtime::Id;
using runtime::InstanceState;
using runtime::TokenState;
using Object = msgpack::object;

constexpr int kFormat = 1;

// A decoding failure; caught at the boundary and turned into an Error.
struct Corrupt : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::int64_t Ms(TimePoint t) { return t.time_since_epoch().count(); }

// ---- writing

// What the packer writes into: the record's own string, grown as needed
// (msgpack's sbuffer starts at 8 KiB and is copied out at the end).
// The packer writes item by item, most items a few bytes long: a plain copy
// into spare room (the size mostly known where the call is inlined) costs a
// fraction of std::string::append's checks for each.
struct StringBuffer {
  std::string bytes;
  std::size_t used = 0;
  void write(const char* data, std::size_t size) {
    if (bytes.size() - used < size) [[unlikely]]
      Grow(size);
    std::memcpy(bytes.data() + used, data, size);
    used += size;
  }
  [[gnu::noinline]] void Grow(std::size_t size) {
    bytes.resize(std::max(2 * bytes.size(), used + size + 256));
  }
  std::string Take() {
    bytes.resize(used);
    used = 0;
    return std::move(bytes);
  }
};

class Writer {
 public:
  Writer() : packer_(&buffer_) {}
  Writer& Array(std::size_t n) {
    packer_.pack_array(static_cast<std::uint32_t>(n));
    return *this;
  }
  Writer& Int(std::int64_t v) {
    packer_.pack_int64(v);
    return *this;
  }
  Writer& UInt(std::uint64_t v) {
    packer_.pack_uint64(v);
    return *this;
  }
  Writer& Bool(bool v) {
    if (v)
      packer_.pack_true();
    else
      packer_.pack_false();
    return *this;
  }
  Writer& Nil() {
    packer_.pack_nil();
    return *this;
  }
  Writer& Str(std::string_view s) {
    packer_.pack_str(static_cast<std::uint32_t>(s.size()));
    packer_.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
    return *this;
  }
  Writer& Time(TimePoint t) { return Int(Ms(t)); }
  Writer& Strings(const std::vector<std::string>& list) {
    Array(list.size());
    for (const auto& s : list) Str(s);
    return *this;
  }
  Writer& Indices(const std::vector<std::uint32_t>& list) {
    Array(list.size());
    for (auto i : list) UInt(i);
    return *this;
  }
  Writer& Offset(const std::optional<std::int32_t>& offset) {
    return offset ? Int(*offset) : Nil();
  }
  Writer& Value(const expr::Value& v);
  Writer& Variables(const runtime::Variables& vars) {
    Array(vars.size());
    for (const auto& [k, v] : vars) Array(2).Str(k).Value(v);
    return *this;
  }
  std::string Take() { return buffer_.Take(); }

 private:
  StringBuffer buffer_;
  msgpack::packer<StringBuffer> packer_;
};

// Values: null, booleans and strings as themselves, the rest tagged arrays.
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

Writer& Writer::Value(const expr::Value& v) {
  using T = expr::Value::Type;
  switch (v.type()) {
    case T::kNull:
    case T::kFunction:  // not storable; a function value is never a variable
      return Nil();
    case T::kBoolean:
      return Bool(v.boolean());
    case T::kString:
      return Str(v.string());
    case T::kNumber:  // whole numbers as integers, the rest as text
      if (auto whole = v.number().ToInt64())
        return Array(2).Int(kNumber).Int(*whole);
      return Array(2).Int(kNumber).Str(v.number().ToString());
    case T::kList:
      Array(2).Int(kList).Array(v.list().size());
      for (const auto& item : v.list()) Value(item);
      return *this;
    case T::kContext:
      Array(2).Int(kContext).Array(v.context().size());
      for (const auto& [k, item] : v.context()) Array(2).Str(k).Value(item);
      return *this;
    case T::kDate:
      return Array(2).Int(kDate).Int(v.date().days);
    case T::kTime:
      return Array(4)
          .Int(kTime)
          .Int(v.time().ms)
          .Offset(v.time().offset_minutes)
          .Str(v.time().zone);
    case T::kDateTime:
      return Array(4)
          .Int(kDateTime)
          .Int(v.date_time().local_ms)
          .Offset(v.date_time().offset_minutes)
          .Str(v.date_time().zone);
    case T::kDaysTimeDuration:
      return Array(2).Int(kDaysTime).Int(v.days_time().ms);
    case T::kYearsMonthsDuration:
      return Array(2).Int(kYearsMonths).Int(v.years_months().months);
    case T::kRange: {
      const expr::Range& r = v.range();
      return Array(5)
          .Int(kRange)
          .Value(r.low)
          .Value(r.high)
          .Bool(r.low_closed)
          .Bool(r.high_closed);
    }
  }
  return Nil();
}

// ---- reading: every access checks the type and the bounds

const Object& At(const Object& o, std::size_t i) {
  if (o.type != msgpack::type::ARRAY || i >= o.via.array.size)
    throw Corrupt("missing field");
  return o.via.array.ptr[i];
}
std::size_t Size(const Object& o) {
  if (o.type != msgpack::type::ARRAY) throw Corrupt("not a list");
  return o.via.array.size;
}
std::int64_t Int(const Object& o) { return o.as<std::int64_t>(); }
std::uint64_t UInt(const Object& o) { return o.as<std::uint64_t>(); }
bool Bool(const Object& o) { return o.as<bool>(); }
std::string Str(const Object& o) {
  if (o.type != msgpack::type::STR) throw Corrupt("not a string");
  return std::string(o.via.str.ptr, o.via.str.size);
}
TimePoint Time(const Object& o) {
  return TimePoint(std::chrono::milliseconds(Int(o)));
}
std::optional<std::int32_t> Offset(const Object& o) {
  if (o.is_nil()) return std::nullopt;
  return o.as<std::int32_t>();
}
std::vector<std::string> Strings(const Object& o) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < Size(o); ++i) out.push_back(Str(At(o, i)));
  return out;
}

expr::Value ReadValue(const Object& o) {
  switch (o.type) {
    case msgpack::type::NIL:
      return {};
    case msgpack::type::BOOLEAN:
      return o.via.boolean;
    case msgpack::type::STR:
      return Str(o);
    case msgpack::type::ARRAY:
      break;
    default:
      throw Corrupt("unreadable value");
  }
  switch (Int(At(o, 0))) {
    case kNumber: {
      const Object& number = At(o, 1);
      if (number.type == msgpack::type::POSITIVE_INTEGER ||
          number.type == msgpack::type::NEGATIVE_INTEGER)
        return expr::Decimal(Int(number));
      auto d = expr::Decimal::Parse(Str(number));
      if (!d) throw Corrupt("unreadable number");
      return *d;
    }
    case kList: {
      expr::List items;
      const Object& list = At(o, 1);
      for (std::size_t i = 0; i < Size(list); ++i)
        items.push_back(ReadValue(At(list, i)));
      return items;
    }
    case kContext: {
      expr::Context entries;
      const Object& list = At(o, 1);
      for (std::size_t i = 0; i < Size(list); ++i)
        entries.emplace_back(Str(At(At(list, i), 0)),
                             ReadValue(At(At(list, i), 1)));
      return entries;
    }
    case kDate:
      return expr::Date{static_cast<std::int32_t>(Int(At(o, 1)))};
    case kTime:
      return expr::Time{Int(At(o, 1)), Offset(At(o, 2)), Str(At(o, 3))};
    case kDateTime:
      return expr::DateTime{Int(At(o, 1)), Offset(At(o, 2)), Str(At(o, 3))};
    case kDaysTime:
      return expr::DaysTimeDuration{Int(At(o, 1))};
    case kYearsMonths:
      return expr::YearsMonthsDuration{Int(At(o, 1))};
    case kRange: {
      auto r = std::make_shared<expr::Range>();
      r->low = ReadValue(At(o, 1));
      r->high = ReadValue(At(o, 2));
      r->low_closed = Bool(At(o, 3));
      r->high_closed = Bool(At(o, 4));
      return std::shared_ptr<const expr::Range>(std::move(r));
    }
  }
  throw Corrupt("unknown value tag");
}

runtime::Variables ReadVariables(const Object& o) {
  runtime::Variables out;
  for (std::size_t i = 0; i < Size(o); ++i)
    out.emplace(Str(At(At(o, i), 0)), ReadValue(At(At(o, i), 1)));
  return out;
}

// Indices checked against the definitions.
struct Bounds {
  std::size_t nodes, flows, processes;
  std::uint32_t Node(const Object& o) const {
    auto n = o.as<std::uint32_t>();
    if (n != model::kNoIndex && n >= nodes)
      throw Corrupt("element out of range");
    return n;
  }
  std::uint32_t Flow(const Object& o) const {
    auto f = o.as<std::uint32_t>();
    if (f != model::kNoIndex && f >= flows) throw Corrupt("flow out of range");
    return f;
  }
  // An index that must name an element.
  std::uint32_t Required(const Object& o) const {
    auto n = Node(o);
    if (n == model::kNoIndex) throw Corrupt("element missing");
    return n;
  }
  std::vector<std::uint32_t> Nodes(const Object& o) const {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < Size(o); ++i) out.push_back(Required(At(o, i)));
    return out;
  }
};

Bounds BoundsOf(const model::Definitions& d) {
  return Bounds{d.nodes().size(), d.flows().size(), d.processes().size()};
}

template <typename E>
E Enum(const Object& o, E last) {
  auto v = Int(o);
  if (v < 0 || v > static_cast<std::int64_t>(last))
    throw Corrupt("unknown state");
  return static_cast<E>(v);
}

// ---- instances

std::string WriteInstance(const InstanceState& s) {
  Writer w;
  w.Array(22).Int(kFormat).UInt(s.id).UInt(s.process).Str(s.business_key);
  w.Int(static_cast<int>(s.status))
      .UInt(s.parent_instance)
      .UInt(s.parent_token);
  w.Array(s.tokens.size());
  for (const auto& [id, t] : s.tokens)
    w.Array(6)
        .UInt(t.id)
        .UInt(t.node)
        .UInt(t.scope)
        .Int(static_cast<int>(t.state))
        .UInt(t.via_flow)
        .Bool(t.inner);
  w.Array(s.joins.size());
  for (const auto& [key, join] : s.joins) {
    w.Array(4).UInt(key.first).UInt(key.second).Array(join.by_flow.size());
    for (const auto& tokens : join.by_flow) {
      w.Array(tokens.size());
      for (Id t : tokens) w.UInt(t);
    }
    w.UInt(join.filled);
  }
  w.Array(s.join_reach.size());
  for (const auto& [key, n] : s.join_reach)
    w.Array(3).UInt(key.first).UInt(key.second).Int(n);
  w.Array(s.scopes.size());
  for (const auto& sc : s.scopes)
    w.Array(9)
        .UInt(sc.id)
        .UInt(sc.parent)
        .UInt(sc.node)
        .UInt(sc.host_token)
        .Variables(sc.variables)
        .Bool(sc.open)
        .Bool(sc.multi_instance)
        .Value(sc.items)
        .Bool(sc.local);
  w.Array(s.tasks.size());
  for (const auto& t : s.tasks) {
    w.Array(11).UInt(t.id).UInt(t.token).UInt(t.node).Strings(t.roles);
    w.Strings(t.candidate_users).Str(t.assignee).Time(t.created);
    if (t.due)
      w.Time(*t.due);
    else
      w.Nil();
    w.Bool(t.open).UInt(t.escalation_of);
    if (t.follow_up)
      w.Time(*t.follow_up);
    else
      w.Nil();
  }
  w.Array(s.jobs.size());
  for (const auto& j : s.jobs)
    w.Array(8)
        .UInt(j.id)
        .UInt(j.token)
        .UInt(j.node)
        .Str(j.type)
        .Int(j.retries)
        .Bool(j.open)
        .Str(j.lock_owner)
        .Time(j.lock_expires);
  w.Array(s.timers.size());
  for (const auto& t : s.timers)
    w.Array(9)
        .UInt(t.id)
        .UInt(t.token)
        .UInt(t.node)
        .Time(t.due)
        .Int(t.remaining)
        .Int(t.interval_ms)
        .Bool(t.open)
        .UInt(t.task)
        .Int(t.step);
  w.Array(s.subscriptions.size());
  for (const auto& x : s.subscriptions)
    w.Array(9)
        .UInt(x.id)
        .UInt(x.token)
        .UInt(x.node)
        .Bool(x.signal)
        .Str(x.name)
        .Str(x.correlation_key)
        .Bool(x.open)
        .Bool(x.conditional)
        .Bool(x.armed_true);
  w.Array(s.incidents.size());
  for (const auto& i : s.incidents)
    w.Array(5).UInt(i.id).UInt(i.token).UInt(i.node).Str(i.message).Bool(
        i.open);
  w.Indices(s.completed).Indices(s.escalated).Indices(s.taken_flows);
  w.Array(s.compensation_queue.size());
  for (const auto& [thrower, nodes] : s.compensation_queue)
    w.Array(2).UInt(thrower).Indices(nodes);
  w.Array(s.compensating.size());
  for (const auto& [handler, thrower] : s.compensating)
    w.Array(2).UInt(handler).UInt(thrower);
  w.Array(s.escalations.size());
  for (const auto& x : s.escalations)
    w.Array(7)
        .UInt(x.task)
        .UInt(x.node)
        .Time(x.at)
        .Str(x.what)
        .Strings(x.roles)
        .Str(x.assignee)
        .Int(x.late_ms);
  return w.Take();
}

std::unique_ptr<InstanceState> ReadInstance(
    const Object& o, std::shared_ptr<const model::Definitions> defs) {
  if (Int(At(o, 0)) != kFormat) throw Corrupt("unknown snapshot format");
  const Bounds b = BoundsOf(*defs);
  auto s = std::make_unique<InstanceState>();
  s->id = UInt(At(o, 1));
  s->process = At(o, 2).as<std::uint32_t>();
  if (s->process >= b.processes) throw Corrupt("process out of range");
  s->definitions = std::move(defs);
  s->business_key = Str(At(o, 3));
  s->status = Enum(At(o, 4), runtime::InstanceStatus::kIncident);
  s->parent_instance = UInt(At(o, 5));
  s->parent_token = UInt(At(o, 6));
  const Object& tokens = At(o, 7);
  for (std::size_t i = 0; i < Size(tokens); ++i) {
    const Object& t = At(tokens, i);
    runtime::Token token{UInt(At(t, 0)),   b.Node(At(t, 1)),
                         UInt(At(t, 2)),   Enum(At(t, 3), TokenState::kDone),
                         b.Flow(At(t, 4)), Bool(At(t, 5))};
    if (token.node == model::kNoIndex) throw Corrupt("token without element");
    s->tokens.emplace(token.id, token);
  }
  const Object& joins = At(o, 8);
  for (std::size_t i = 0; i < Size(joins); ++i) {
    const Object& x = At(joins, i);
    runtime::JoinState join;
    const Object& by_flow = At(x, 2);
    for (std::size_t f = 0; f < Size(by_flow); ++f) {
      std::vector<Id> ids;
      for (std::size_t k = 0; k < Size(At(by_flow, f)); ++k)
        ids.push_back(UInt(At(At(by_flow, f), k)));
      join.by_flow.push_back(std::move(ids));
    }
    join.filled = UInt(At(x, 3));
    const std::uint32_t gateway = b.Required(At(x, 0));
    if (join.by_flow.size() != s->definitions->node(gateway).incoming.size())
      throw Corrupt("a join that does not fit its gateway");
    s->joins.emplace(std::pair{b.Required(At(x, 0)), UInt(At(x, 1))},
                     std::move(join));
  }
  const Object& reach = At(o, 9);
  for (std::size_t i = 0; i < Size(reach); ++i) {
    const Object& x = At(reach, i);
    s->join_reach.emplace(std::pair{b.Required(At(x, 0)), UInt(At(x, 1))},
                          Int(At(x, 2)));
  }
  const Object& scopes = At(o, 10);
  for (std::size_t i = 0; i < Size(scopes); ++i) {
    const Object& x = At(scopes, i);
    runtime::Scope sc;
    sc.id = UInt(At(x, 0));
    sc.parent = UInt(At(x, 1));
    sc.node = b.Node(At(x, 2));
    sc.host_token = UInt(At(x, 3));
    sc.variables = ReadVariables(At(x, 4));
    sc.open = Bool(At(x, 5));
    sc.multi_instance = Bool(At(x, 6));
    sc.items = ReadValue(At(x, 7));
    sc.local = Bool(At(x, 8));
    s->scopes.push_back(std::move(sc));
  }
  const Object& tasks = At(o, 11);
  for (std::size_t i = 0; i < Size(tasks); ++i) {
    const Object& x = At(tasks, i);
    runtime::UserTask t;
    t.id = UInt(At(x, 0));
    t.token = UInt(At(x, 1));
    t.node = b.Required(At(x, 2));
    t.roles = Strings(At(x, 3));
    t.candidate_users = Strings(At(x, 4));
    t.assignee = Str(At(x, 5));
    t.created = Time(At(x, 6));
    if (!At(x, 7).is_nil()) t.due = Time(At(x, 7));
    t.open = Bool(At(x, 8));
    t.escalation_of = UInt(At(x, 9));
    if (!At(x, 10).is_nil()) t.follow_up = Time(At(x, 10));
    s->tasks.push_back(std::move(t));
  }
  const Object& jobs = At(o, 12);
  for (std::size_t i = 0; i < Size(jobs); ++i) {
    const Object& x = At(jobs, i);
    s->jobs.push_back(runtime::Job{
        UInt(At(x, 0)), UInt(At(x, 1)), b.Required(At(x, 2)), Str(At(x, 3)),
        Int(At(x, 4)), Bool(At(x, 5)), Str(At(x, 6)), Time(At(x, 7))});
  }
  const Object& timers = At(o, 13);
  for (std::size_t i = 0; i < Size(timers); ++i) {
    const Object& x = At(timers, i);
    s->timers.push_back(
        runtime::Timer{UInt(At(x, 0)), UInt(At(x, 1)), b.Required(At(x, 2)),
                       Time(At(x, 3)), Int(At(x, 4)), Int(At(x, 5)),
                       Bool(At(x, 6)), UInt(At(x, 7)), Int(At(x, 8))});
  }
  const Object& subs = At(o, 14);
  for (std::size_t i = 0; i < Size(subs); ++i) {
    const Object& x = At(subs, i);
    s->subscriptions.push_back(runtime::Subscription{
        UInt(At(x, 0)), UInt(At(x, 1)), b.Required(At(x, 2)), Bool(At(x, 3)),
        Str(At(x, 4)), Str(At(x, 5)), Bool(At(x, 6)), Bool(At(x, 7)),
        Bool(At(x, 8))});
  }
  const Object& incidents = At(o, 15);
  for (std::size_t i = 0; i < Size(incidents); ++i) {
    const Object& x = At(incidents, i);
    s->incidents.push_back(runtime::Incident{UInt(At(x, 0)), UInt(At(x, 1)),
                                             b.Node(At(x, 2)), Str(At(x, 3)),
                                             Bool(At(x, 4))});
  }
  s->completed = b.Nodes(At(o, 16));
  s->escalated = b.Nodes(At(o, 17));
  const Object& flows = At(o, 18);
  for (std::size_t i = 0; i < Size(flows); ++i)
    s->taken_flows.push_back(b.Flow(At(flows, i)));
  const Object& queue = At(o, 19);
  for (std::size_t i = 0; i < Size(queue); ++i)
    s->compensation_queue[UInt(At(At(queue, i), 0))] =
        b.Nodes(At(At(queue, i), 1));
  const Object& compensating = At(o, 20);
  for (std::size_t i = 0; i < Size(compensating); ++i)
    s->compensating[UInt(At(At(compensating, i), 0))] =
        UInt(At(At(compensating, i), 1));
  const Object& escalations = At(o, 21);
  for (std::size_t i = 0; i < Size(escalations); ++i) {
    const Object& x = At(escalations, i);
    s->escalations.push_back(runtime::EscalationRecord{
        UInt(At(x, 0)), b.Required(At(x, 1)), Time(At(x, 2)), Str(At(x, 3)),
        Strings(At(x, 4)), Str(At(x, 5)), Int(At(x, 6))});
  }
  return s;
}

// ---- events: each relative to the one before it in its record (sequence
// and time deltas), then its fields; trailing fields at their defaults are
// left out, element and flow indices are stored plus one (0: none).

constexpr std::size_t kEventFields = 19;

std::uint64_t IndexPlusOne(std::uint32_t i) {
  return i == model::kNoIndex ? 0 : std::uint64_t{i} + 1;
}

// How many of the event's fields must be written: up to the last one that
// is not at its default (at least the type and the two deltas).
std::size_t UsedFields(const Event& e) {
  const bool used[kEventFields] = {true,
                                   true,
                                   true,
                                   e.token != 0,
                                   e.scope != 0,
                                   e.parent != 0,
                                   e.item != 0,
                                   e.node != model::kNoIndex,
                                   e.flow != model::kNoIndex,
                                   e.state != TokenState::kReady,
                                   e.flag,
                                   e.number != 0,
                                   e.number2 != 0,
                                   Ms(e.time) != 0,
                                   !e.text.empty(),
                                   !e.text2.empty(),
                                   !e.list.empty(),
                                   !e.list2.empty(),
                                   !e.value.is_null()};
  std::size_t n = kEventFields;
  while (n > 3 && !used[n - 1]) --n;
  return n;
}

void WriteEvent(Writer& w, const Event& e, const Event& before) {
  const std::size_t n = UsedFields(e);
  w.Array(n);
  w.Int(static_cast<int>(e.type))
      .UInt(e.seq - before.seq)
      .Int(Ms(e.at) - Ms(before.at));
  for (std::size_t i = 3; i < n; ++i) {
    switch (i) {
      case 3:
        w.UInt(e.token);
        break;
      case 4:
        w.UInt(e.scope);
        break;
      case 5:
        w.UInt(e.parent);
        break;
      case 6:
        w.UInt(e.item);
        break;
      case 7:
        w.UInt(IndexPlusOne(e.node));
        break;
      case 8:
        w.UInt(IndexPlusOne(e.flow));
        break;
      case 9:
        w.Int(static_cast<int>(e.state));
        break;
      case 10:
        w.Bool(e.flag);
        break;
      case 11:
        w.Int(e.number);
        break;
      case 12:
        w.Int(e.number2);
        break;
      case 13:
        w.Time(e.time);
        break;
      case 14:
        w.Str(e.text);
        break;
      case 15:
        w.Str(e.text2);
        break;
      case 16:
        w.Strings(e.list);
        break;
      case 17:
        w.Strings(e.list2);
        break;
      case 18:
        w.Value(e.value);
        break;
    }
  }
}

Event ReadEvent(const Object& o, const Event& before) {
  const std::size_t n = Size(o);
  auto has = [&](std::size_t i) { return i < n; };
  auto index = [&](std::size_t i) -> std::uint32_t {
    if (!has(i)) return model::kNoIndex;
    auto v = UInt(At(o, i));
    if (v > std::uint64_t{model::kNoIndex}) throw Corrupt("index");
    return v == 0 ? model::kNoIndex : static_cast<std::uint32_t>(v - 1);
  };
  Event e;
  e.type = Enum(At(o, 0), EventType::kInstanceMigrated);
  e.seq = before.seq + UInt(At(o, 1));
  e.at = TimePoint(std::chrono::milliseconds(Ms(before.at) + Int(At(o, 2))));
  e.instance = before.instance;
  if (has(3)) e.token = UInt(At(o, 3));
  if (has(4)) e.scope = UInt(At(o, 4));
  if (has(5)) e.parent = UInt(At(o, 5));
  if (has(6)) e.item = UInt(At(o, 6));
  e.node = index(7);
  e.flow = index(8);
  if (has(9)) e.state = Enum(At(o, 9), TokenState::kDone);
  if (has(10)) e.flag = Bool(At(o, 10));
  if (has(11)) e.number = Int(At(o, 11));
  if (has(12)) e.number2 = Int(At(o, 12));
  if (has(13)) e.time = Time(At(o, 13));
  if (has(14)) e.text = Str(At(o, 14));
  if (has(15)) e.text2 = Str(At(o, 15));
  if (has(16)) e.list = Strings(At(o, 16));
  if (has(17)) e.list2 = Strings(At(o, 17));
  if (has(18)) e.value = ReadValue(At(o, 18));
  return e;
}

template <typename T, typename F>
Result<T> Unpack(std::string_view data, const char* what, F&& read) {
  try {
    msgpack::object_handle handle = msgpack::unpack(data.data(), data.size());
    return read(handle.get());
  } catch (const std::exception& ex) {
    return Fail(ErrorCode::kIo,
                std::string("damaged ") + what + " record: " + ex.what());
  }
}

}  // namespace

std::string EncodeInstance(const InstanceState& state) {
  return WriteInstance(state);
}

Result<std::unique_ptr<InstanceState>> DecodeInstance(
    std::string_view data, std::shared_ptr<const model::Definitions> defs) {
  if (!defs) return Fail(ErrorCode::kIo, "instance without definitions");
  return Unpack<std::unique_ptr<InstanceState>>(
      data, "instance", [&](const Object& o) { return ReadInstance(o, defs); });
}

store::EventRecord EncodeEvents(const std::vector<const Event*>& events) {
  store::EventRecord record;
  if (events.empty()) return record;
  Event before;
  before.seq = events.front()->seq;
  before.at = events.front()->at;
  record.seq = before.seq;
  record.at = Ms(before.at);
  record.instance = events.front()->instance;
  record.count = static_cast<std::int64_t>(events.size());
  Writer w;
  w.Array(events.size());
  for (const Event* e : events) {
    WriteEvent(w, *e, before);
    before.seq = e->seq;
    before.at = e->at;
  }
  record.data = w.Take();
  return record;
}

Result<std::vector<Event>> DecodeEvents(const store::EventRecord& record) {
  return Unpack<std::vector<Event>>(
      record.data, "history", [&](const Object& o) {
        std::vector<Event> out;
        Event before;
        before.seq = record.seq;
        before.at = TimePoint(std::chrono::milliseconds(record.at));
        before.instance = record.instance;
        for (std::size_t i = 0; i < Size(o); ++i) {
          Event e = ReadEvent(At(o, i), before);
          before.seq = e.seq;
          before.at = e.at;
          out.push_back(std::move(e));
        }
        return out;
      });
}

// Times of a summary count from the instance's start, so they stay small;
// a visit's flags are bits: user task, completed, waiting, overdue.
std::string EncodeSummary(const runtime::InstanceSummary& s) {
  Writer w;
  const std::int64_t start = Ms(s.started);
  auto since = [&](TimePoint t) {
    return t == TimePoint{} ? std::int64_t{-1} : Ms(t) - start;
  };
  w.Array(6).Int(kFormat).Time(s.started).Int(since(s.ended));
  w.Array(s.visits.size());
  for (const auto& v : s.visits) {
    unsigned flags = (v.user_task ? 1u : 0u) | (v.completed ? 2u : 0u) |
                     (v.waiting ? 4u : 0u) | (v.overdue ? 8u : 0u);
    w.Array(8)
        .Str(v.element_id)
        .Str(v.role)
        .Int(since(v.entered))
        .Int(since(v.left))
        .Int(since(v.created))
        .Int(since(v.claimed))
        .UInt(flags)
        .Int(v.escalations);
  }
  w.Array(s.flows.size());
  for (const auto& [flow, n] : s.flows) w.Array(2).Str(flow).Int(n);
  w.Variables(s.variables);
  return w.Take();
}

Result<runtime::InstanceSummary> DecodeSummary(std::string_view data) {
  return Unpack<runtime::InstanceSummary>(
      data, "summary", [&](const Object& o) {
        runtime::InstanceSummary s;
        s.started = Time(At(o, 1));
        const std::int64_t start = Ms(s.started);
        auto at = [&](const Object& x) {
          std::int64_t v = Int(x);
          return v < 0 ? TimePoint{}
                       : TimePoint(std::chrono::milliseconds(start + v));
        };
        s.ended = at(At(o, 2));
        const Object& visits = At(o, 3);
        s.visits.resize(Size(visits));
        for (std::size_t i = 0; i < s.visits.size(); ++i) {
          const Object& x = At(visits, i);
          runtime::Visit& v = s.visits[i];
          v.element_id = Str(At(x, 0));
          v.role = Str(At(x, 1));
          v.entered = at(At(x, 2));
          v.left = at(At(x, 3));
          v.created = at(At(x, 4));
          v.claimed = at(At(x, 5));
          const auto flags = UInt(At(x, 6));
          v.user_task = flags & 1u;
          v.completed = flags & 2u;
          v.waiting = flags & 4u;
          v.overdue = flags & 8u;
          v.escalations = Int(At(x, 7));
        }
        const Object& flows = At(o, 4);
        for (std::size_t i = 0; i < Size(flows); ++i)
          s.flows.emplace(Str(At(At(flows, i), 0)), Int(At(At(flows, i), 1)));
        s.variables = ReadVariables(At(o, 5));
        return s;
      });
}

std::string EncodeGlobals(const runtime::Runtime::Globals& g,
                          const DefinitionsIdOf& id_of) {
  Writer w;
  w.Array(5).Int(kFormat).UInt(g.next_id).UInt(g.next_seq);
  w.Array(g.start_timers.size());
  for (const auto& t : g.start_timers)
    w.Array(7)
        .UInt(t.id)
        .Int(id_of(t.definitions.get()))
        .UInt(t.process)
        .UInt(t.node)
        .Time(t.due)
        .Int(t.remaining)
        .Int(t.interval_ms);
  w.Array(g.buffered.size());
  for (const auto& m : g.buffered)
    w.Array(4).Str(m.name).Str(m.key).Variables(m.variables).Time(m.expires);
  return w.Take();
}

Result<runtime::Runtime::Globals> DecodeGlobals(std::string_view data,
                                                const DefinitionsById& by_id) {
  return Unpack<runtime::Runtime::Globals>(
      data, "engine", [&](const Object& o) {
        if (Int(At(o, 0)) != kFormat) throw Corrupt("unknown engine format");
        runtime::Runtime::Globals g;
        g.next_id = UInt(At(o, 1));
        g.next_seq = UInt(At(o, 2));
        const Object& timers = At(o, 3);
        for (std::size_t i = 0; i < Size(timers); ++i) {
          const Object& x = At(timers, i);
          auto defs = by_id(Int(At(x, 1)));
          if (!defs) throw Corrupt("start timer of unknown definitions");
          const Bounds b = BoundsOf(*defs);
          auto process = At(x, 2).as<std::uint32_t>();
          if (process >= b.processes) throw Corrupt("process out of range");
          g.start_timers.push_back(runtime::Runtime::StartTimer{
              UInt(At(x, 0)), defs, process, b.Required(At(x, 3)),
              Time(At(x, 4)), Int(At(x, 5)), Int(At(x, 6))});
        }
        const Object& buffered = At(o, 4);
        for (std::size_t i = 0; i < Size(buffered); ++i) {
          const Object& x = At(buffered, i);
          g.buffered.push_back(runtime::Runtime::BufferedMessage{
              Str(At(x, 0)), Str(At(x, 1)), ReadVariables(At(x, 2)),
              Time(At(x, 3))});
        }
        return g;
      });
}

}  // namespace bpmn::engine
