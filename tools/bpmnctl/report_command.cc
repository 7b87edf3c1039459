// `bpmnctl report [KEY]`: where instances spend their time, per flow node,
// role and sequence flow, with the bottleneck list; as aligned text,
// --json or --csv, and --svg FILE, the diagram coloured by time spent.
// Single-threaded.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"
#include "model/iso8601.h"
#include "report/heatmap_svg.h"
#include "report/report_output.h"
#include "report/stage_report.h"

namespace bpmnctl {
namespace {

struct ReportOptions {
  DbOptions db;
  std::string key;
  std::int64_t version = 0;
  std::string from, to, now;
  std::string prefix;
  std::vector<std::string> where;
  bool csv = false;
  std::string svg;
};

bpmn::Result<std::optional<bpmn::TimePoint>> Time(const std::string& option,
                                                  const std::string& text) {
  if (text.empty()) return std::optional<bpmn::TimePoint>();
  auto t = bpmn::model::ParseIsoDateTime(text);
  if (!t) return tl::unexpected(UsageError(option + ": " + t.error().message));
  return std::optional<bpmn::TimePoint>(*t);
}

int Report(const ReportOptions& o) {
  bpmn::report::ReportFilter filter;
  filter.key = o.key;
  if (o.version > 0) filter.version = o.version;
  filter.business_key_prefix = o.prefix;
  filter.where = o.where;
  auto from = Time("--from", o.from);
  auto to = Time("--to", o.to);
  auto now = Time("--now", o.now);
  for (const auto* t : {&from, &to, &now})
    if (!*t) return Refused(o.db, t->error());
  filter.started_from = *from;
  filter.started_to = *to;
  if (o.version > 0 && o.key.empty())
    return Refused(o.db, UsageError("--version needs a process KEY"));
  auto session = OpenSession(o.db);
  if (!session) return kExitRefused;
  auto report = bpmn::report::BuildReport(*session->engine, filter,
                                          now->value_or(session->clock.Now()));
  if (!report) return Refused(o.db, report.error());
  if (!o.svg.empty()) {
    if (report->processes.size() != 1) {
      return Refused(
          o.db, UsageError("--svg draws one process: name its KEY "
                           "(the report has " +
                           std::to_string(report->processes.size()) + ")"));
    }
    const auto& p = report->processes.front();
    auto defs = session->engine->DefinitionsById(p.definitions_id);
    if (!defs)
      return Refused(o.db, bpmn::Fail(bpmn::ErrorCode::kNotFound,
                                      "process '" + p.key + "' is not deployed")
                               .value());
    auto svg = bpmn::report::HeatmapSvg(p, *defs);
    if (!svg) return Refused(o.db, svg.error());
    std::ofstream out(o.svg, std::ios::binary | std::ios::trunc);
    out << *svg;
    if (!out.flush())
      return Refused(
          o.db, bpmn::Fail(bpmn::ErrorCode::kIo, o.svg + ": cannot be written")
                    .value());
  }
  if (o.db.json) {
    std::cout << bpmn::report::ReportJson(*report).dump(2) << "\n";
  } else if (o.csv) {
    std::cout << bpmn::report::ReportCsv(*report);
  } else {
    std::cout << bpmn::report::ReportText(*report);
  }
  return kExitOk;
}

}  // namespace

void AddReportCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Where instances spend their time: per flow node, role and "
      "flow, and the bottlenecks");
  AddDbOptions(cmd, o->db);
  cmd->add_option("key", o->key, "Process id (default: every process)");
  cmd->add_option("--version", o->version, "Only this version of KEY");
  cmd->add_option("--from", o->from,
                  "Instances started at or after this time (ISO 8601)");
  cmd->add_option("--to", o->to, "Instances started before this time");
  cmd->add_option("--business-key-prefix", o->prefix,
                  "Instances whose business key starts so");
  cmd->add_option("--where", o->where,
                  "A FEEL condition on the instance's variables, e.g. "
                  "'amount > 100000' (repeatable: all must hold)");
  cmd->add_option("--now", o->now,
                  "The time that ends current waits (default: the clock)");
  cmd->add_flag("--csv", o->csv, "CSV: one row per node, role and flow");
  cmd->add_option("--svg", o->svg,
                  "Also write the diagram coloured by time spent to FILE");
  cmd->callback([o, &exit_code] { exit_code = Report(*o); });
}

}  // namespace bpmnctl
