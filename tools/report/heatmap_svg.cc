// Colours run from pale green (quick) through yellow to red (the slowest
// node): time spent per visit, current waits up to now included, so a stage
// where work sits today shows before anything has passed it. Nodes no
// instance reached stay white. Pools and lanes are
// outlines, so the picture reads like the modeler's.
#include "report/heatmap_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "bpmn/xml_escape.h"
#include "model/element_kind.h"
#include "report/report_output.h"

namespace bpmn::report {
namespace {

std::string Num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

// t in [0, 1]: green -> yellow -> red.
std::string Heat(double t) {
  struct Rgb {
    double r, g, b;
  };
  const Rgb cold{200, 230, 201}, warm{255, 241, 118}, hot{239, 83, 80};
  auto mix = [](Rgb a, Rgb b, double k) {
    return Rgb{a.r + (b.r - a.r) * k, a.g + (b.g - a.g) * k,
               a.b + (b.b - a.b) * k};
  };
  t = std::clamp(t, 0.0, 1.0);
  Rgb c = t < 0.5 ? mix(cold, warm, t * 2) : mix(warm, hot, (t - 0.5) * 2);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", static_cast<int>(c.r),
                static_cast<int>(c.g), static_cast<int>(c.b));
  return buffer;
}

// Splits a name into lines of about `width` characters at spaces.
std::vector<std::string> Wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t line_chars = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    std::size_t chars = 0;
    for (unsigned char c : word) chars += (c & 0xC0) != 0x80;
    if (line_chars > 0 && line_chars + 1 + chars > width) {
      lines.push_back(line);
      line.clear();
      line_chars = 0;
    }
    if (line_chars > 0) {
      line += ' ';
      ++line_chars;
    }
    line += word;
    line_chars += chars;
    start = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string Text(double x, double y, const std::string& text,
                 const std::string& attrs = "") {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) +
         "\" text-anchor=\"middle\"" + attrs + ">" + EscapeXml(text) +
         "</text>\n";
}

}  // namespace

Result<std::string> HeatmapSvg(const ProcessReport& report,
                               const model::Definitions& d) {
  const model::Process* process = d.FindProcess(report.key);
  if (!process)
    return Fail(ErrorCode::kNotFound, "no process '" + report.key + "'");
  std::map<std::string, const NodeStats*> stats;
  for (const auto& n : report.nodes) stats[n.element_id] = &n;
  std::map<std::string, std::int64_t> taken;
  std::int64_t most_taken = 1;
  for (const auto& f : report.flows) {
    taken[f.element_id] = f.taken;
    most_taken = std::max(most_taken, f.taken);
  }
  auto per_visit = [](const NodeStats& n) {
    const auto visits = n.passed + n.waiting;
    return visits == 0
               ? 0.0
               : static_cast<double>(n.total_ms) / static_cast<double>(visits);
  };
  double slowest = 0;
  for (const auto& n : report.nodes) slowest = std::max(slowest, per_visit(n));

  // The process's own shapes and edges, and the pools and lanes around them.
  std::vector<const model::DiagramShape*> shapes;
  std::vector<const model::DiagramShape*> frames;
  double min_x = std::numeric_limits<double>::max(), min_y = min_x;
  double max_x = std::numeric_limits<double>::lowest(), max_y = max_x;
  auto extend = [&](double x, double y) {
    min_x = std::min(min_x, x);
    min_y = std::min(min_y, y);
    max_x = std::max(max_x, x);
    max_y = std::max(max_y, y);
  };
  // Frame names: the process's pool and lanes.
  std::map<std::string, std::string> frame_names;
  for (auto i : process->lanes)
    frame_names[d.lanes()[i].id] = d.lanes()[i].name;
  for (const auto& p : d.participants())
    if (p.process_ref == report.key) frame_names[p.id] = p.name;
  for (const auto& s : d.shapes()) {
    const model::FlowNode* n = d.FindNode(s.element_id);
    if (n && n->process == process->index) {
      shapes.push_back(&s);
    } else if (!n && frame_names.contains(s.element_id)) {
      frames.push_back(&s);
    } else {
      continue;
    }
    extend(s.x, s.y);
    extend(s.x + s.width, s.y + s.height);
  }
  if (shapes.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "process '" + report.key +
                    "' has no diagram layout (BPMNShape) to draw on");
  }
  std::vector<const model::DiagramEdge*> edges;
  for (const auto& e : d.edges()) {
    const model::SequenceFlow* f = d.FindFlow(e.element_id);
    if (!f || f->process != process->index) continue;
    edges.push_back(&e);
    for (const auto& [x, y] : e.waypoints) extend(x, y);
  }
  const double margin = 40, header = 60;
  const double width = max_x - min_x + 2 * margin;
  const double height = max_y - min_y + 2 * margin + header;
  const double dx = margin - min_x, dy = margin + header - min_y;

  std::string svg =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
      Num(width) + "\" height=\"" + Num(height) + "\" viewBox=\"0 0 " +
      Num(width) + " " + Num(height) +
      "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" "
      "refY=\"5\" markerWidth=\"10\" markerHeight=\"10\" "
      "markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
      "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg +=
      "<text x=\"" + Num(margin) + "\" y=\"24\" font-size=\"16\">" +
      EscapeXml(report.key + (report.name.empty() ? "" : ": " + report.name)) +
      "</text>\n";
  svg += "<text x=\"" + Num(margin) + "\" y=\"44\">" +
         EscapeXml(std::to_string(report.finished) + " finished, " +
                   std::to_string(report.active) +
                   " running; colour: time spent per visit, waits until now "
                   "included, up to " +
                   FormatDuration(slowest)) +
         "</text>\n";
  for (int i = 0; i <= 10; ++i) {
    svg += "<rect x=\"" + Num(width - margin - 220 + i * 20) +
           "\" y=\"30\" width=\"20\" height=\"12\" fill=\"" + Heat(i / 10.0) +
           "\"/>\n";
  }
  for (const auto* s : frames) {
    svg += "<rect x=\"" + Num(s->x + dx) + "\" y=\"" + Num(s->y + dy) +
           "\" width=\"" + Num(s->width) + "\" height=\"" + Num(s->height) +
           "\" fill=\"none\" stroke=\"#bbb\"/>\n";
    const std::string& name = frame_names[s->element_id];
    if (!name.empty()) {
      const double x = s->x + dx + 14, y = s->y + dy + s->height / 2;
      svg += "<text x=\"" + Num(x) + "\" y=\"" + Num(y) +
             "\" text-anchor=\"middle\" fill=\"#666\" transform=\"rotate(-90 " +
             Num(x) + " " + Num(y) + ")\">" + EscapeXml(name) + "</text>\n";
    }
  }
  for (const auto* e : edges) {
    if (e->waypoints.size() < 2) continue;
    const std::int64_t n = taken[e->element_id];
    const double stroke =
        1 + 4 * static_cast<double>(n) / static_cast<double>(most_taken);
    std::string points;
    for (const auto& [x, y] : e->waypoints)
      points += Num(x + dx) + "," + Num(y + dy) + " ";
    svg += "<polyline points=\"" + points +
           "\" fill=\"none\" stroke=\"#555\" stroke-width=\"" + Num(stroke) +
           "\" marker-end=\"url(#arrow)\"/>\n";
    const auto& a = e->waypoints[(e->waypoints.size() - 1) / 2];
    const auto& b = e->waypoints[(e->waypoints.size() - 1) / 2 + 1];
    svg +=
        Text((a.first + b.first) / 2 + dx, (a.second + b.second) / 2 + dy - 4,
             std::to_string(n), " fill=\"#1a237e\" font-weight=\"bold\"");
  }
  for (const auto* s : shapes) {
    const model::FlowNode& node = *d.FindNode(s->element_id);
    auto it = stats.find(node.id);
    const NodeStats* st = it == stats.end() ? nullptr : it->second;
    const bool reached = st && (st->passed > 0 || st->waiting > 0);
    const std::string fill = !reached      ? "#ffffff"
                             : slowest > 0 ? Heat(per_visit(*st) / slowest)
                                           : Heat(0);
    const double x = s->x + dx, y = s->y + dy, w = s->width, h = s->height;
    const double cx = x + w / 2, cy = y + h / 2;
    const bool container = model::IsSubProcess(node.kind);
    std::string style =
        "fill=\"" + (container ? std::string("none") : fill) +
        "\" stroke=\"#333\" stroke-width=\"" +
        (node.kind == model::ElementKind::kEndEvent ? "3" : "1.5") + "\"";
    svg += "<g><title>" +
           EscapeXml(node.id + (node.name.empty() ? "" : ": " + node.name)) +
           "</title>";
    if (model::IsEvent(node.kind)) {
      svg += "<circle cx=\"" + Num(cx) + "\" cy=\"" + Num(cy) + "\" r=\"" +
             Num(std::min(w, h) / 2) + "\" " + style + "/>";
    } else if (model::IsGateway(node.kind)) {
      svg += "<polygon points=\"" + Num(cx) + "," + Num(y) + " " + Num(x + w) +
             "," + Num(cy) + " " + Num(cx) + "," + Num(y + h) + " " + Num(x) +
             "," + Num(cy) + "\" " + style + "/>";
    } else {
      svg += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" +
             Num(w) + "\" height=\"" + Num(h) + "\" rx=\"10\" " + style + "/>";
    }
    svg += "</g>\n";
    // Tasks carry their name inside; events and gateways below.
    const bool inside = model::IsActivity(node.kind) && !container;
    double line_y = inside ? y + 16 : y + h + 14;
    if (container) line_y = y + 14;
    for (const auto& line : Wrap(node.name, inside ? 18 : 22)) {
      svg += Text(cx, line_y, line);
      line_y += 13;
    }
    if (reached) {
      std::string counts = std::to_string(st->passed) + " passed";
      if (st->waiting > 0)
        counts += ", " + std::to_string(st->waiting) + " waiting";
      svg += Text(cx, line_y, counts, " font-size=\"10\" fill=\"#222\"");
      line_y += 12;
      if (st->time.count > 0 && model::IsActivity(node.kind))
        svg += Text(cx, line_y, "mean " + FormatDuration(st->time.mean_ms),
                    " font-size=\"10\" fill=\"#222\"");
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace bpmn::report
