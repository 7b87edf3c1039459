// Aggregation: every instance the filter keeps adds its visits to
// per-node, per-role and per-flow accumulators; durations are kept whole so
// the median and p90 are exact (nearest rank). Finished instances come from
// Store::Summaries, one row each; running ones (and finished ones stored
// before summaries were kept) are summarised from their history.
#include "report/stage_report.h"

#include <algorithm>
#include <map>
#include <set>

#include "expr/expression.h"
#include "facade/codec.h"
#include "model/element_kind.h"

namespace bpmn::report {
namespace {

using runtime::InstanceSummary;
using runtime::Visit;

std::int64_t Ms(TimePoint t) { return t.time_since_epoch().count(); }

class MapVariables final : public expr::Variables {
 public:
  explicit MapVariables(const runtime::Variables& vars) : vars_(vars) {}
  const expr::Value* Find(std::string_view name) const override {
    auto it = vars_.find(name);
    return it == vars_.end() ? nullptr : &it->second;
  }

 private:
  const runtime::Variables& vars_;
};

Durations Describe(std::vector<std::int64_t>& ms) {
  Durations d;
  if (ms.empty()) return d;
  std::sort(ms.begin(), ms.end());
  d.count = static_cast<std::int64_t>(ms.size());
  double sum = 0;
  for (auto v : ms) sum += static_cast<double>(v);
  d.mean_ms = sum / static_cast<double>(ms.size());
  auto rank = [&](double q) {  // nearest rank
    auto r =
        static_cast<std::size_t>(q * static_cast<double>(ms.size()) + 0.999999);
    return ms[std::clamp<std::size_t>(r, 1, ms.size()) - 1];
  };
  d.median_ms = rank(0.5);
  d.p90_ms = rank(0.9);
  d.max_ms = ms.back();
  return d;
}

struct NodeAcc {
  NodeStats stats;
  std::vector<std::int64_t> time, claim_wait, work;
};

struct RoleAcc {
  RoleStats stats;
  std::vector<std::int64_t> time;
};

struct ProcessAcc {
  std::map<std::string, NodeAcc> nodes;
  std::map<std::string, RoleAcc> roles;
  std::map<std::string, std::int64_t> flows;
  std::set<std::int64_t> versions;
  std::int64_t finished = 0, active = 0;
};

void AddInstance(ProcessAcc& p, const InstanceSummary& s, bool active,
                 TimePoint now) {
  (active ? p.active : p.finished) += 1;
  for (const auto& [flow, n] : s.flows) p.flows[flow] += n;
  for (const Visit& v : s.visits) {
    NodeAcc& acc = p.nodes[v.element_id];
    NodeStats& n = acc.stats;
    if (n.role.empty()) n.role = v.role;
    const bool ended = v.left != TimePoint{};
    const bool waiting = !ended && active && v.waiting;
    std::int64_t spent = 0;
    if (ended) {
      spent = Ms(v.left) - Ms(v.entered);
      ++n.passed;
      acc.time.push_back(spent);
      if (v.user_task && v.completed && v.created != TimePoint{}) {
        // Completed without a claim: all of it waited for a person.
        TimePoint claimed = v.claimed == TimePoint{} ? v.left : v.claimed;
        acc.claim_wait.push_back(Ms(claimed) - Ms(v.created));
        acc.work.push_back(Ms(v.left) - Ms(claimed));
      }
    } else if (waiting) {
      spent = std::max<std::int64_t>(0, Ms(now) - Ms(v.entered));
      ++n.waiting;
    }
    n.total_ms += spent;
    if (v.overdue && (ended || waiting)) ++n.overdue;
    n.escalations += v.escalations;
    if (!v.user_task || v.role.empty()) continue;
    RoleAcc& r = p.roles[v.role];
    r.stats.role = v.role;
    r.stats.total_ms += spent;
    r.stats.escalations += v.escalations;
    if (v.overdue && (ended || waiting)) ++r.stats.overdue;
    if (ended) {
      ++r.stats.passed;
      r.time.push_back(spent);
    } else if (waiting) {
      ++r.stats.waiting;
    }
  }
}

struct Candidate {
  std::string key;
  std::int64_t version = 0;
  std::string business_key;
  store::Millis started_at = 0;
};

class Builder {
 public:
  Builder(engine::Engine& engine, const ReportFilter& filter, TimePoint now)
      : engine_(engine), filter_(filter), now_(now) {}

  Result<Report> Build() {
    for (const auto& text : filter_.where) {
      auto compiled = expr::Expression::Compile(text);
      if (!compiled)
        return Fail(ErrorCode::kExpression,
                    "--where '" + text + "': " + compiled.error().message);
      where_.push_back(std::move(*compiled));
    }
    if (!filter_.key.empty() && !Latest(filter_.key, filter_.version)) {
      return Fail(
          ErrorCode::kNotFound,
          "no process '" + filter_.key + "'" +
              (filter_.version ? " version " + std::to_string(*filter_.version)
                               : std::string()) +
              " is deployed");
    }
    store::Store& store = engine_.store();
    auto summaries = store.Summaries(filter_.key);
    if (!summaries) return tl::unexpected(summaries.error());
    for (const auto& record : *summaries) {
      if (!Keep({record.key, record.version, record.business_key,
                 record.started_at}))
        continue;
      auto summary = engine::DecodeSummary(record.data);
      if (!summary)
        return Fail(summary.error().code, "instance " +
                                              std::to_string(record.instance) +
                                              ": " + summary.error().message);
      AddIfVariablesMatch(record.key, record.version, *summary, false);
    }
    for (const char* state : {"active", "incident"}) {
      auto running = store.Instances(state);
      if (!running) return tl::unexpected(running.error());
      for (const auto& r : *running)
        if (auto added = AddFromHistory(r, true); !added)
          return tl::unexpected(added.error());
    }
    auto unsummarised = store.FinishedWithoutSummary();
    if (!unsummarised) return tl::unexpected(unsummarised.error());
    for (store::Id id : *unsummarised) {
      auto r = store.LoadInstance(id);
      if (!r) return tl::unexpected(r.error());
      if (*r)
        if (auto added = AddFromHistory(**r, false); !added)
          return tl::unexpected(added.error());
    }
    return Finish();
  }

 private:
  const store::ProcessRecord* Latest(const std::string& key,
                                     std::optional<std::int64_t> version) {
    const store::ProcessRecord* latest = nullptr;
    for (const auto& p : engine_.processes()) {
      if (p.key != key || (version && p.version != *version)) continue;
      if (!latest || p.version > latest->version) latest = &p;
    }
    return latest;
  }

  bool Keep(const Candidate& c) const {
    if (!filter_.key.empty() && c.key != filter_.key) return false;
    if (filter_.version && c.version != *filter_.version) return false;
    if (filter_.started_from && c.started_at < Ms(*filter_.started_from))
      return false;
    if (filter_.started_to && c.started_at >= Ms(*filter_.started_to))
      return false;
    return c.business_key.starts_with(filter_.business_key_prefix);
  }

  Result<void> AddFromHistory(const store::InstanceRecord& r, bool active) {
    if (!Keep({r.key, r.version, r.business_key, r.started_at})) return {};
    auto summary = engine_.Summarize(r.id);
    if (!summary)
      return Fail(summary.error().code, "instance " + std::to_string(r.id) +
                                            ": " + summary.error().message);
    AddIfVariablesMatch(r.key, r.version, *summary, active);
    return {};
  }

  void AddIfVariablesMatch(const std::string& key, std::int64_t version,
                           const InstanceSummary& s, bool active) {
    if (!where_.empty()) {
      MapVariables vars(s.variables);
      expr::EvalOptions options;
      options.now = now_;
      for (const auto& w : where_) {
        auto v = w.Evaluate(vars, options);
        // A condition that cannot be decided (a missing variable) leaves the
        // instance out, as a false one does.
        if (!v || v->type() != expr::Value::Type::kBoolean || !v->boolean())
          return;
      }
    }
    ProcessAcc& p = processes_[key];
    p.versions.insert(version);
    AddInstance(p, s, active, now_);
  }

  Result<Report> Finish() {
    Report report;
    report.now = now_;
    // A process asked for by name is reported (and drawn) also when no
    // instance matched.
    if (!filter_.key.empty()) processes_[filter_.key];
    for (auto& [key, acc] : processes_) {
      ProcessReport p;
      p.key = key;
      p.versions.assign(acc.versions.begin(), acc.versions.end());
      p.finished = acc.finished;
      p.active = acc.active;
      const store::ProcessRecord* latest = Latest(key, filter_.version);
      std::shared_ptr<const model::Definitions> defs;
      if (latest) {
        p.definitions_id = latest->definitions_id;
        defs = engine_.DefinitionsById(latest->definitions_id);
      }
      const model::Process* process = defs ? defs->FindProcess(key) : nullptr;
      if (process) p.name = process->name;
      // Nodes in the diagram's order, then ids later versions dropped.
      if (process) {
        for (auto i : process->nodes) {
          const model::FlowNode& n = defs->node(i);
          auto it = acc.nodes.find(n.id);
          if (it == acc.nodes.end()) continue;
          it->second.stats.name = n.name;
          it->second.stats.kind = std::string(model::ElementKindTag(n.kind));
          it->second.stats.container = model::IsSubProcess(n.kind);
          p.nodes.push_back(Close(it->first, it->second));
          acc.nodes.erase(it);
        }
        for (auto i : process->flows) {
          const model::SequenceFlow& f = defs->flow(i);
          FlowStats fs{f.id, f.name, f.source_ref, f.target_ref, 0};
          if (auto it = acc.flows.find(f.id); it != acc.flows.end()) {
            fs.taken = it->second;
            acc.flows.erase(it);
          }
          p.flows.push_back(std::move(fs));
        }
      }
      for (auto& [id, node] : acc.nodes) p.nodes.push_back(Close(id, node));
      for (auto& [id, n] : acc.flows) p.flows.push_back({id, "", "", "", n});
      for (auto& [role, r] : acc.roles) {
        r.stats.time = Describe(r.time);
        p.roles.push_back(r.stats);
      }
      std::stable_sort(
          p.roles.begin(), p.roles.end(),
          [](const auto& a, const auto& b) { return a.total_ms > b.total_ms; });
      for (std::size_t i = 0; i < p.nodes.size(); ++i)
        if (p.nodes[i].total_ms > 0 && !p.nodes[i].container)
          p.bottlenecks.push_back(i);
      std::stable_sort(p.bottlenecks.begin(), p.bottlenecks.end(),
                       [&](std::size_t a, std::size_t b) {
                         return p.nodes[a].total_ms > p.nodes[b].total_ms;
                       });
      report.processes.push_back(std::move(p));
    }
    return report;
  }

  static NodeStats Close(const std::string& id, NodeAcc& acc) {
    NodeStats n = acc.stats;
    n.element_id = id;
    n.time = Describe(acc.time);
    n.claim_wait = Describe(acc.claim_wait);
    n.work = Describe(acc.work);
    const auto seen = n.passed + n.waiting;
    n.overdue_share =
        seen == 0 ? 0
                  : static_cast<double>(n.overdue) / static_cast<double>(seen);
    return n;
  }

  engine::Engine& engine_;
  const ReportFilter& filter_;
  TimePoint now_;
  std::vector<expr::Expression> where_;
  std::map<std::string, ProcessAcc> processes_;
};

}  // namespace

Result<Report> BuildReport(engine::Engine& engine, const ReportFilter& filter,
                           TimePoint now) {
  return Builder(engine, filter, now).Build();
}

}  // namespace bpmn::report
