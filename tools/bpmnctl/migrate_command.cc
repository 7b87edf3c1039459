// `bpmnctl migrate --from KEY:V --to KEY:W [--map OLD=NEW ...] [--dry-run]`:
// moves the waiting instances of one process version to another through
// Engine::Migrate and prints, per instance, that it moved or why it was
// refused. Registered by main.cc; single-threaded.
#include <iostream>
#include <set>

#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"

namespace bpmnctl {
namespace {

using nlohmann::json;

struct MigrateOptions {
  std::string from;
  std::string to;
  std::vector<std::string> map;
  bool dry_run = false;
};

struct KeyVersion {
  std::string key;
  std::int64_t version = 0;
};

// "KEY:VERSION", the version a whole number from 1.
bpmn::Result<KeyVersion> ParseKeyVersion(const std::string& option,
                                         const std::string& text) {
  const auto colon = text.rfind(':');
  auto bad = [&] {
    return tl::unexpected(UsageError(
        option + " wants KEY:VERSION (order:2), not '" + text + "'"));
  };
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return bad();
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return bad();
  const std::int64_t version = std::stoll(digits);
  if (version < 1) return bad();
  return KeyVersion{text.substr(0, colon), version};
}

// "OLD=NEW" pairs.
bpmn::Result<std::vector<std::pair<std::string, std::string>>> ParseMap(
    const std::vector<std::string>& entries) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (const auto& entry : entries) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size())
      return tl::unexpected(
          UsageError("--map wants OLD_ID=NEW_ID, not '" + entry + "'"));
    std::string old_id = entry.substr(0, eq);
    if (!seen.insert(old_id).second)
      return tl::unexpected(
          UsageError("--map names '" + old_id + "' more than once"));
    out.emplace_back(std::move(old_id), entry.substr(eq + 1));
  }
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

int Migrate(const DbOptions& o, const MigrateOptions& options) {
  auto from = ParseKeyVersion("--from", options.from);
  if (!from) return Refused(o, from.error());
  auto to = ParseKeyVersion("--to", options.to);
  if (!to) return Refused(o, to.error());
  if (from->key != to->key)
    return Refused(o, UsageError("--from and --to name different processes ('" +
                                 from->key + "', '" + to->key + "')"));
  auto map = ParseMap(options.map);
  if (!map) return Refused(o, map.error());
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto outcomes = session->engine->Migrate(from->key, from->version,
                                           to->version, *map, options.dry_run);
  if (!outcomes) return Refused(o, outcomes.error());

  const std::string target = to->key + " v" + std::to_string(to->version);
  json instances = json::array();
  std::string text;
  int moved = 0, refused = 0;
  for (const auto& x : *outcomes) {
    json entry = {{"id", x.instance},
                  {"business_key", x.business_key},
                  {"result", x.moved ? "moved" : "refused"},
                  {"waiting", x.waiting}};
    text += "instance " + std::to_string(x.instance) +
            (x.business_key.empty() ? "" : " (" + x.business_key + ")");
    if (x.moved) {
      ++moved;
      text += (options.dry_run ? " would move to " : " moved to ") + target +
              (x.waiting.empty() ? "" : ", waits at " + Join(x.waiting)) + "\n";
    } else {
      ++refused;
      const std::string kind(bpmn::ErrorCodeName(x.refusal.code));
      entry["error"] = kind;
      entry["message"] = x.refusal.message;
      if (!x.refusal.element_id.empty())
        entry["element_id"] = x.refusal.element_id;
      text += " refused (" + kind + "): " + x.refusal.message + "\n";
    }
    instances.push_back(std::move(entry));
  }
  if (outcomes->empty()) {
    text += "no unfinished instance runs " + from->key + " v" +
            std::to_string(from->version) + "\n";
  }
  text +=
      (options.dry_run ? "dry run: " + std::to_string(moved) + " would move, "
                       : std::to_string(moved) + " moved, ") +
      std::to_string(refused) + " refused\n";
  json out = {{"from", {{"key", from->key}, {"version", from->version}}},
              {"to", {{"key", to->key}, {"version", to->version}}},
              {"dry_run", options.dry_run},
              {"moved", moved},
              {"refused", refused},
              {"instances", instances}};
  Print(o, out, text);
  return refused == 0 ? kExitOk : kExitRefused;
}

}  // namespace

void AddMigrateCommand(CLI::App& app, int& exit_code) {
  static DbOptions migrate_o;
  static MigrateOptions options;
  auto* migrate = app.add_subcommand(
      "migrate",
      "move the waiting instances of one process version to another");
  AddDbOptions(migrate, migrate_o);
  migrate->add_option("--from", options.from, "KEY:VERSION they run now")
      ->required();
  migrate->add_option("--to", options.to, "KEY:VERSION they move to")
      ->required();
  migrate->add_option("--map", options.map,
                      "OLD_ID=NEW_ID: an element renamed in the target "
                      "(repeatable)");
  migrate->add_flag("--dry-run", options.dry_run,
                    "report what would move, change nothing");
  migrate->callback([&] { exit_code = Migrate(migrate_o, options); });
}

}  // namespace bpmnctl
