// Reads the camunda:/flowable:/activiti: (Camunda 7 family) and zeebe:
// extension attributes and extensionElements children that an engine needs into
// a FlowNode; everything else is kept as data and reported as an unknown
// extension by the caller. Internal to the parser; not thread-safe.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/definitions.h"
#include "parser/namespaces.h"

namespace bpmn::parser {

// An attribute `vendor:local="value"` on a flow node. Returns false when the
// engine does not interpret it.
bool ReadVendorAttribute(Vendor vendor, std::string_view local,
                         std::string_view value, model::FlowNode& node);

// One child of <extensionElements> of a flow node, with its resolved name.
// Returns false when the engine does not interpret it.
bool ReadExtensionElement(pugi::xml_node element, QName name,
                          NamespaceScope& scope, model::FlowNode& node);

// camunda:properties / zeebe:properties / zeebe:taskHeaders as name -> value
// pairs.
bool ReadProperties(pugi::xml_node element, QName name, NamespaceScope& scope,
                    std::vector<std::pair<std::string, std::string>>& out);

// The trimmed text content of an element (its text and CDATA children).
std::string TextOf(pugi::xml_node element);

// Splits "a, b ,c" into {"a","b","c"}.
std::vector<std::string> SplitList(std::string_view text);

}  // namespace bpmn::parser
