// XML namespaces resolved by URI, never by prefix: the URIs the reader knows
// and a scope of prefix -> URI bindings that follows the element nesting
// (declarations may be redeclared on inner elements). Internal to the parser;
// one instance per read; not thread-safe.
#pragma once

#include <cstring>
#include <pugixml.hpp>
#include <string_view>
#include <utility>
#include <vector>

namespace bpmn::parser {

inline constexpr std::string_view kBpmnNs =
    "http://www.omg.org/spec/BPMN/20100524/MODEL";
inline constexpr std::string_view kBpmnDiNs =
    "http://www.omg.org/spec/BPMN/20100524/DI";
inline constexpr std::string_view kDcNs =
    "http://www.omg.org/spec/DD/20100524/DC";
inline constexpr std::string_view kDiNs =
    "http://www.omg.org/spec/DD/20100524/DI";
inline constexpr std::string_view kCamundaNs =
    "http://camunda.org/schema/1.0/bpmn";
inline constexpr std::string_view kZeebeNs =
    "http://camunda.org/schema/zeebe/1.0";
inline constexpr std::string_view kFlowableNs = "http://flowable.org/bpmn";
inline constexpr std::string_view kActivitiNs = "http://activiti.org/bpmn";
inline constexpr std::string_view kXsiNs =
    "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr std::string_view kXmlNs =
    "http://www.w3.org/XML/1998/namespace";

// The extension families the engine reads. Camunda 7, Flowable and Activiti
// share attribute names.
enum class Vendor { kNone, kCamundaLike, kZeebe };

inline Vendor VendorOf(std::string_view uri) {
  if (uri == kCamundaNs || uri == kFlowableNs || uri == kActivitiNs)
    return Vendor::kCamundaLike;
  if (uri == kZeebeNs) return Vendor::kZeebe;
  return Vendor::kNone;
}

struct QName {
  std::string_view ns;     // resolved URI; empty when unbound
  std::string_view local;  // name without prefix
};

class NamespaceScope {
 public:
  NamespaceScope() { bindings_.emplace_back("xml", kXmlNs); }

  // Adds the xmlns declarations of `node`; returns the mark to pass to Leave.
  std::size_t Enter(pugi::xml_node node) {
    std::size_t mark = bindings_.size();
    for (pugi::xml_attribute a : node.attributes()) {
      const char* name = a.name();
      if (std::strncmp(name, "xmlns", 5) != 0) continue;
      if (name[5] == '\0') {
        bindings_.emplace_back(std::string_view(), a.value());
      } else if (name[5] == ':') {
        bindings_.emplace_back(std::string_view(name + 6), a.value());
      }
    }
    return mark;
  }
  void Leave(std::size_t mark) { bindings_.resize(mark); }

  std::string_view Lookup(std::string_view prefix) const {
    for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
      if (it->first == prefix) return it->second;
    }
    return {};
  }

  QName Element(const char* qualified) const {
    return Resolve(qualified, true);
  }
  // Unprefixed attributes belong to no namespace.
  QName Attribute(const char* qualified) const {
    return Resolve(qualified, false);
  }

 private:
  QName Resolve(std::string_view q, bool use_default) const {
    std::size_t colon = q.find(':');
    if (colon == std::string_view::npos) {
      return {use_default ? Lookup({}) : std::string_view(), q};
    }
    return {Lookup(q.substr(0, colon)), q.substr(colon + 1)};
  }

  std::vector<std::pair<std::string_view, std::string_view>> bindings_;
};

// Enters a node's namespace declarations for the lifetime of the guard.
class ScopeGuard {
 public:
  ScopeGuard(NamespaceScope& scope, pugi::xml_node node)
      : scope_(scope), mark_(scope.Enter(node)) {}
  ~ScopeGuard() { scope_.Leave(mark_); }
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

 private:
  NamespaceScope& scope_;
  std::size_t mark_;
};

}  // namespace bpmn::parser
