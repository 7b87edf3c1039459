// The durable encoding of engine state: instance snapshots, events and the
// engine's globals, as MessagePack (compact, binary, versioned by a leading
// format number). Variable values keep their FEEL type (exact decimals, dates,
// durations); a whole number within 64 bits is a MessagePack integer, any
// other number its decimal text (older data, all text, reads the same).
// Decoding checks every index against the definitions, so a damaged row is an
// error naming what is wrong, never a crash. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bpmn/result.h"
#include "bpmn/store.h"
#include "runtime/event.h"
#include "runtime/instance_state.h"
#include "runtime/instance_summary.h"
#include "runtime/runtime.h"

namespace bpmn::engine {

std::string EncodeInstance(const runtime::InstanceState& state);
Result<std::unique_ptr<runtime::InstanceState>> DecodeInstance(
    std::string_view data,
    std::shared_ptr<const model::Definitions> definitions);

// The events one command emitted for one instance, as one history record
// (store.h): each event stores only what differs from its predecessor's
// sequence number and time, and the fields it uses.
store::EventRecord EncodeEvents(
    const std::vector<const runtime::Event*>& events);
Result<std::vector<runtime::Event>> DecodeEvents(
    const store::EventRecord& record);

// A finished instance's summary, kept for the report.
std::string EncodeSummary(const runtime::InstanceSummary& summary);
Result<runtime::InstanceSummary> DecodeSummary(std::string_view data);

// Start timers refer to their definitions by deployment id.
using DefinitionsIdOf = std::function<std::int64_t(const model::Definitions*)>;
using DefinitionsById =
    std::function<std::shared_ptr<const model::Definitions>(std::int64_t)>;
std::string EncodeGlobals(const runtime::Runtime::Globals& globals,
                          const DefinitionsIdOf& id_of);
Result<runtime::Runtime::Globals> DecodeGlobals(std::string_view data,
                                                const DefinitionsById& by_id);

}  // namespace bpmn::engine
