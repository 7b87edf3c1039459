// Durations print in the two largest units that matter to a manager; JSON
// and CSV carry exact milliseconds.
#include "report/report_output.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "report/text_table.h"

namespace bpmn::report {
namespace {

using nlohmann::json;

std::string Count(std::int64_t n) { return std::to_string(n); }

std::string Share(double share) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.0f%%", share * 100);
  return buffer;
}

std::string Time(const Durations& d, double value) {
  return d.count == 0 ? "-" : FormatDuration(value);
}

json DurationsJson(const Durations& d) {
  return {{"count", d.count},
          {"mean_ms", std::llround(d.mean_ms)},
          {"median_ms", d.median_ms},
          {"p90_ms", d.p90_ms},
          {"max_ms", d.max_ms}};
}

std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Versions(const ProcessReport& p) {
  std::string out;
  for (auto v : p.versions) out += (out.empty() ? "" : ",") + std::to_string(v);
  return out;
}

}  // namespace

std::string FormatDuration(double ms) {
  auto total = static_cast<std::int64_t>(std::llround(ms));
  if (total < 1000) return std::to_string(total) + "ms";
  const std::int64_t s = total / 1000;
  const std::int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60,
                     sec = s % 60;
  if (d > 0) return std::to_string(d) + "d " + std::to_string(h) + "h";
  if (h > 0) return std::to_string(h) + "h " + std::to_string(m) + "m";
  if (m > 0) return std::to_string(m) + "m " + std::to_string(sec) + "s";
  return std::to_string(sec) + "s";
}

std::string ReportText(const Report& report) {
  if (report.processes.empty()) return "No instances match.\n";
  std::string out;
  for (const auto& p : report.processes) {
    out += p.key + (p.name.empty() ? "" : " (" + p.name + ")") + ", versions " +
           Versions(p) + ": " + Count(p.finished) + " finished, " +
           Count(p.active) + " running\n\n";
    TextTable nodes({"Element", "Name", "Role", ">Passed", ">Waiting", ">Mean",
                     ">Median", ">P90", ">Max", ">Claim wait", ">Work",
                     ">Overdue", ">Escalations"});
    for (const auto& n : p.nodes) {
      nodes.AddRow(
          {n.element_id, n.name, n.role, Count(n.passed), Count(n.waiting),
           Time(n.time, n.time.mean_ms), Time(n.time, n.time.median_ms),
           Time(n.time, n.time.p90_ms), Time(n.time, n.time.max_ms),
           Time(n.claim_wait, n.claim_wait.mean_ms),
           Time(n.work, n.work.mean_ms),
           n.overdue == 0
               ? "-"
               : Count(n.overdue) + " (" + Share(n.overdue_share) + ")",
           n.escalations == 0 ? "-" : Count(n.escalations)});
    }
    out += nodes.Render() + "\n";
    if (!p.bottlenecks.empty()) {
      std::int64_t all = 0;
      for (auto i : p.bottlenecks) all += p.nodes[i].total_ms;
      out +=
          "Where the time goes (total time spent, waits until now "
          "included):\n";
      TextTable stalls({">#", "Element", "Name", "Role", ">Total", ">Share",
                        ">Waiting now"});
      std::size_t rank = 0;
      for (auto i : p.bottlenecks) {
        const NodeStats& n = p.nodes[i];
        stalls.AddRow({Count(static_cast<std::int64_t>(++rank)), n.element_id,
                       n.name, n.role,
                       FormatDuration(static_cast<double>(n.total_ms)),
                       Share(all == 0 ? 0
                                      : static_cast<double>(n.total_ms) /
                                            static_cast<double>(all)),
                       Count(n.waiting)});
        if (rank == 10) break;
      }
      out += stalls.Render() + "\n";
    }
    if (!p.roles.empty()) {
      TextTable roles({"Role", ">Passed", ">Waiting", ">Mean", ">Median",
                       ">P90", ">Overdue", ">Escalations", ">Total"});
      for (const auto& r : p.roles) {
        roles.AddRow({r.role, Count(r.passed), Count(r.waiting),
                      Time(r.time, r.time.mean_ms),
                      Time(r.time, r.time.median_ms),
                      Time(r.time, r.time.p90_ms), Count(r.overdue),
                      Count(r.escalations),
                      FormatDuration(static_cast<double>(r.total_ms))});
      }
      out += roles.Render() + "\n";
    }
    TextTable flows({"Flow", "Name", "From", "To", ">Taken"});
    for (const auto& f : p.flows)
      flows.AddRow(
          {f.element_id, f.name, f.source_id, f.target_id, Count(f.taken)});
    out += flows.Render() + "\n";
  }
  return out;
}

json ReportJson(const Report& report) {
  json out = json::array();
  for (const auto& p : report.processes) {
    json nodes = json::array(), flows = json::array(), roles = json::array(),
         bottlenecks = json::array();
    for (const auto& n : p.nodes) {
      nodes.push_back({{"element_id", n.element_id},
                       {"name", n.name},
                       {"kind", n.kind},
                       {"role", n.role},
                       {"passed", n.passed},
                       {"waiting", n.waiting},
                       {"time", DurationsJson(n.time)},
                       {"claim_wait", DurationsJson(n.claim_wait)},
                       {"work", DurationsJson(n.work)},
                       {"overdue", n.overdue},
                       {"overdue_share", n.overdue_share},
                       {"escalations", n.escalations},
                       {"total_ms", n.total_ms}});
    }
    for (auto i : p.bottlenecks) {
      bottlenecks.push_back({{"element_id", p.nodes[i].element_id},
                             {"name", p.nodes[i].name},
                             {"role", p.nodes[i].role},
                             {"total_ms", p.nodes[i].total_ms},
                             {"waiting", p.nodes[i].waiting}});
    }
    for (const auto& f : p.flows) {
      flows.push_back({{"element_id", f.element_id},
                       {"name", f.name},
                       {"source", f.source_id},
                       {"target", f.target_id},
                       {"taken", f.taken}});
    }
    for (const auto& r : p.roles) {
      roles.push_back({{"role", r.role},
                       {"passed", r.passed},
                       {"waiting", r.waiting},
                       {"time", DurationsJson(r.time)},
                       {"overdue", r.overdue},
                       {"escalations", r.escalations},
                       {"total_ms", r.total_ms}});
    }
    out.push_back({{"key", p.key},
                   {"name", p.name},
                   {"versions", p.versions},
                   {"finished", p.finished},
                   {"active", p.active},
                   {"nodes", nodes},
                   {"bottlenecks", bottlenecks},
                   {"roles", roles},
                   {"flows", flows}});
  }
  return {{"now", report.now.time_since_epoch().count()}, {"processes", out}};
}

std::string ReportCsv(const Report& report) {
  std::string out =
      "row,key,element_id,name,role,passed,waiting,mean_ms,median_ms,p90_ms,"
      "max_ms,claim_wait_mean_ms,work_mean_ms,overdue,overdue_share,"
      "escalations,total_ms,taken\n";
  auto row = [&](std::vector<std::string> cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      out += (i ? "," : "") + CsvCell(cells[i]);
    out += "\n";
  };
  auto ms = [](double v) { return std::to_string(std::llround(v)); };
  for (const auto& p : report.processes) {
    for (const auto& n : p.nodes) {
      char share[16];
      std::snprintf(share, sizeof share, "%.4f", n.overdue_share);
      row({"node", p.key, n.element_id, n.name, n.role, Count(n.passed),
           Count(n.waiting), ms(n.time.mean_ms), Count(n.time.median_ms),
           Count(n.time.p90_ms), Count(n.time.max_ms), ms(n.claim_wait.mean_ms),
           ms(n.work.mean_ms), Count(n.overdue), share, Count(n.escalations),
           Count(n.total_ms), ""});
    }
    for (const auto& r : p.roles) {
      row({"role", p.key, "", "", r.role, Count(r.passed), Count(r.waiting),
           ms(r.time.mean_ms), Count(r.time.median_ms), Count(r.time.p90_ms),
           Count(r.time.max_ms), "", "", Count(r.overdue), "",
           Count(r.escalations), Count(r.total_ms), ""});
    }
    for (const auto& f : p.flows) {
      row({"flow", p.key, f.element_id, f.name, "", "", "", "", "", "", "", "",
           "", "", "", "", "", Count(f.taken)});
    }
  }
  return out;
}

}  // namespace bpmn::report
