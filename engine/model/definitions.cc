// Building and indexing the immutable Definitions (definitions.h), element
// counts by tag, and role normalisation. Build() runs once per document;
// afterwards everything is read-only.
#include "model/definitions.h"

#include <cctype>

#include "bpmn/utf8.h"

namespace bpmn::model {

std::shared_ptr<const Definitions> Definitions::Build(DefinitionsData data) {
  // Not make_shared: the constructor is private.
  std::shared_ptr<Definitions> defs(new Definitions(std::move(data)));
  defs->Index();
  return defs;
}

Definitions::Definitions(DefinitionsData data) : d_(std::move(data)) {}

void Definitions::Index() {
  by_id_.reserve(d_.nodes.size() + d_.flows.size() + d_.processes.size() +
                 d_.lanes.size());
  for (const auto& p : d_.processes)
    by_id_.emplace(p.id, ElementRef{RefKind::kProcess, p.index});
  for (const auto& l : d_.lanes)
    by_id_.emplace(l.id, ElementRef{RefKind::kLane, l.index});
  for (const auto& n : d_.nodes)
    by_id_.emplace(n.id, ElementRef{RefKind::kNode, n.index});
  for (const auto& f : d_.flows)
    by_id_.emplace(f.id, ElementRef{RefKind::kFlow, f.index});

  // For each joining inclusive gateway, walk backwards: every node found can
  // still send a token there (through flows, or through a boundary event of the
  // activity it waits at).
  joins_reachable_.assign(d_.nodes.size(), {});
  std::vector<std::uint32_t> stack;
  std::vector<bool> seen(d_.nodes.size());
  for (const auto& join : d_.nodes) {
    if (join.kind != ElementKind::kInclusiveGateway || join.incoming.size() < 2)
      continue;
    std::fill(seen.begin(), seen.end(), false);
    seen[join.index] = true;
    stack.assign(1, join.index);
    while (!stack.empty()) {
      const FlowNode& at = d_.nodes[stack.back()];
      stack.pop_back();
      auto visit = [&](std::uint32_t n) {
        if (n == kNoIndex || seen[n]) return;
        seen[n] = true;
        joins_reachable_[n].push_back(join.index);
        stack.push_back(n);
      };
      for (auto f : at.incoming) visit(d_.flows[f].source);
      if (at.kind == ElementKind::kBoundaryEvent) visit(at.attached_to);
    }
  }
}

const FlowNode* Definitions::FindNode(std::string_view id) const {
  auto it = by_id_.find(id);
  return it != by_id_.end() && it->second.kind == RefKind::kNode
             ? &d_.nodes[it->second.index]
             : nullptr;
}

const SequenceFlow* Definitions::FindFlow(std::string_view id) const {
  auto it = by_id_.find(id);
  return it != by_id_.end() && it->second.kind == RefKind::kFlow
             ? &d_.flows[it->second.index]
             : nullptr;
}

const Process* Definitions::FindProcess(std::string_view id) const {
  auto it = by_id_.find(id);
  return it != by_id_.end() && it->second.kind == RefKind::kProcess
             ? &d_.processes[it->second.index]
             : nullptr;
}

namespace {
const RootElement* FindIn(const std::vector<RootElement>& list,
                          std::string_view id) {
  for (const auto& r : list)
    if (r.id == id) return &r;
  return nullptr;
}
}  // namespace

const RootElement* Definitions::FindMessage(std::string_view id) const {
  return FindIn(d_.messages, id);
}
const RootElement* Definitions::FindSignal(std::string_view id) const {
  return FindIn(d_.signals, id);
}
const RootElement* Definitions::FindError(std::string_view id) const {
  return FindIn(d_.errors, id);
}
const RootElement* Definitions::FindEscalation(std::string_view id) const {
  return FindIn(d_.escalations, id);
}

const Process* Definitions::SingleExecutableProcess() const {
  const Process* found = nullptr;
  for (const auto& p : d_.processes) {
    if (!p.executable) continue;
    if (found) return nullptr;
    found = &p;
  }
  return found;
}

std::map<std::string, std::size_t> Definitions::CountByTag() const {
  std::map<std::string, std::size_t> counts;
  counts["process"] = d_.processes.size();
  counts["collaboration"] = d_.collaborations;
  counts["participant"] = d_.participants.size();
  counts["messageFlow"] = d_.message_flows.size();
  counts["sequenceFlow"] = d_.flows.size();
  counts["lane"] = d_.lanes.size();
  counts["message"] = d_.messages.size();
  counts["signal"] = d_.signals.size();
  counts["error"] = d_.errors.size();
  counts["escalation"] = d_.escalations.size();
  counts["BPMNShape"] = d_.shapes.size();
  counts["BPMNEdge"] = d_.edges.size();
  for (const auto& n : d_.nodes) {
    ++counts[std::string(ElementKindTag(n.kind))];
    for (const auto& d : n.event_definitions) {
      if (!d.by_reference) ++counts[std::string(EventDefinitionTag(d.kind))];
    }
    if (n.loop.kind == LoopKind::kStandard)
      ++counts["standardLoopCharacteristics"];
    if (n.loop.kind == LoopKind::kParallel ||
        n.loop.kind == LoopKind::kSequential)
      ++counts["multiInstanceLoopCharacteristics"];
  }
  for (const auto& d : d_.event_definitions)
    ++counts[std::string(EventDefinitionTag(d.kind))];
  for (const auto& t : d_.thin) ++counts[t.tag];
  for (auto it = counts.begin(); it != counts.end();) {
    it = it->second == 0 ? counts.erase(it) : std::next(it);
  }
  return counts;
}

namespace {

// Lower-cases one UTF-8 code point of the alphabets role names use: ASCII,
// Latin-1, Cyrillic.
char32_t LowerCodePoint(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;  // А-Я
  if (c >= 0x400 && c <= 0x40F) return c + 80;  // Ѐ-Џ (Ё)
  return c;
}

}  // namespace

std::string NormalizeRole(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  std::size_t i = 0;
  while (i < name.size()) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      ++i;
      if (std::isspace(c)) {
        pending_space = !out.empty();
        continue;
      }
      if (pending_space) out += ' ';
      pending_space = false;
      out += static_cast<char>(LowerCodePoint(c));
      continue;
    }
    // Multi-byte: the text was validated as UTF-8 by the reader.
    std::size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (i + len > name.size()) break;
    char32_t cp = c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (name[i + k] & 0x3F);
    i += len;
    if (pending_space) out += ' ';
    pending_space = false;
    AppendUtf8(out, LowerCodePoint(cp));
  }
  return out;
}

const std::string* ProcessProperty(const Process& process,
                                   std::string_view name) {
  for (const auto& [k, v] : process.properties)
    if (k == name) return &v;
  return nullptr;
}

const std::string* NodeProperty(const Definitions& definitions,
                                std::uint32_t node, std::string_view name) {
  const FlowNode& n = definitions.node(node);
  for (const auto& [k, v] : n.properties)
    if (k == name) return &v;
  return ProcessProperty(definitions.process(n.process), name);
}

}  // namespace bpmn::model
