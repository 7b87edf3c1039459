// The escalation policy grammar (escalation_policy.h).
#include "model/escalation_policy.h"

#include <algorithm>
#include <cctype>

#include "model/definitions.h"
#include "model/iso8601.h"

namespace bpmn::model {
namespace {

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return s;
}

Result<EscalationStep> ParseStep(std::string_view text) {
  auto fail = [&](const std::string& what) {
    return Fail(ErrorCode::kInvalidArgument,
                "escalation step '" + std::string(text) + "': " + what);
  };
  std::vector<std::string> w = Words(text);
  EscalationStep step;
  step.text = std::string(text);
  std::size_t i = 0;
  auto word = [&](std::size_t k) { return k < w.size() ? Lower(w[k]) : ""; };
  auto target = [&](bool users_allowed) -> bool {
    if (users_allowed && word(i) == "user") {
      step.user = true;
      ++i;
    }
    if (i >= w.size() || word(i) == "after") return false;
    step.target = step.user || step.action == EscalationStep::Action::kThrow
                      ? w[i]
                      : NormalizeRole(w[i]);
    ++i;
    return true;
  };
  const std::string verb = word(i++);
  if (verb == "notify") {
    step.action = EscalationStep::Action::kNotify;
    if (!target(true)) return fail("notify whom? (a role, or user NAME)");
  } else if (verb == "reassign") {
    step.action = EscalationStep::Action::kReassign;
    if (word(i) == "to") ++i;
    if (!target(true)) return fail("reassign to whom? (a role, or user NAME)");
  } else if (verb == "task") {
    step.action = EscalationStep::Action::kTask;
    if (word(i) == "for") ++i;
    if (!target(false)) return fail("a task for which role?");
  } else if (verb == "throw") {
    step.action = EscalationStep::Action::kThrow;
    if (!target(false)) return fail("throw which escalation code?");
  } else {
    return fail("an action is notify, reassign to, task for or throw");
  }
  if (word(i) != "after" || word(i + 1) != "due")
    return fail("say when: 'after due' or 'after due + DURATION'");
  i += 2;
  if (i < w.size()) {
    std::string rest;
    for (std::size_t k = i; k < w.size(); ++k) rest += w[k];
    if (rest.empty() || rest[0] != '+')
      return fail("after due is followed by '+ DURATION'");
    auto d = ParseIsoDuration(rest.substr(1));
    if (!d) return fail(d.error().message);
    if (d->negative) return fail("the duration cannot be negative");
    step.after = *d;
  }
  return step;
}

}  // namespace

Result<std::vector<EscalationStep>> ParseEscalationPolicy(
    std::string_view text) {
  std::vector<EscalationStep> steps;
  while (!text.empty()) {
    std::size_t end = text.find_first_of(";,");
    std::string_view part = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view()
                                         : text.substr(end + 1);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\n'))
      part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\n'))
      part.remove_suffix(1);
    if (Words(part).empty()) continue;
    auto step = ParseStep(part);
    if (!step) return tl::unexpected(step.error());
    steps.push_back(std::move(*step));
  }
  return steps;
}

}  // namespace bpmn::model
