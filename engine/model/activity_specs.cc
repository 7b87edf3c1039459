// Small queries on activity specs (activity_specs.h). Pure; thread-safe.
#include "model/activity_specs.h"

namespace bpmn::model {

bool FormField::required() const {
  for (const auto& c : constraints) {
    if (c.name == "required" && c.config != "false") return true;
  }
  return false;
}

}  // namespace bpmn::model
