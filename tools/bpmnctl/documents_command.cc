// `bpmnctl documents --dir DIR [--type T] [--worker W]`: a job worker that
// generates documents from templates. It locks the open jobs of type T
// (default generate-document), renders each from its task's Mustache
// template over the instance's variables, writes the file into DIR, and
// completes the job with the file's path in a variable the instance then
// refers to. Extension properties of the service task (or its process):
//   document.template   the template text
//   document.file       the file name, itself a template
//                       (default
//                       {{business_key}}-{{instance}}-{{element}}.txt); an
//                       existing file is never overwritten (the job fails)
//   document.variable   the variable that receives the path (default
//                       documentFile)
//   document.error      the BPMN error thrown when the task has no template
//                       (default TEMPLATE_NOT_FOUND)
// A file that cannot be written fails the job (its retries count down).
// Single-threaded.
#include <filesystem>
#include <fstream>

#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"
#include "facade/templates.h"

namespace bpmnctl {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct DocumentsOptions {
  std::string dir = "documents";
  std::string type = "generate-document";
  std::string worker = "bpmnctl-documents";
};

int Documents(const DbOptions& o, const DocumentsOptions& options) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto& engine = *session->engine;
  auto jobs = engine.ActivateJobs(options.type, options.worker,
                                  std::chrono::minutes(5), 100);
  if (!jobs) return Refused(o, jobs.error());
  json out = json::array();
  std::string text;
  for (const auto& a : *jobs) {
    const auto* s = engine.runtime().Instance(a.instance);
    if (!s) continue;
    const std::uint32_t node = a.job.node;
    auto property = [&](std::string_view name, std::string fallback) {
      std::string v = bpmn::engine::PropertyOf(*s, node, name);
      return v.empty() ? fallback : v;
    };
    json entry = {{"job", a.job.id}, {"instance_id", a.instance}};
    const std::string tmpl = property("document.template", "");
    bpmn::Result<void> done;
    if (tmpl.empty()) {
      const std::string code = property("document.error", "TEMPLATE_NOT_FOUND");
      done = engine.ThrowJobError(a.job.id, code, {});
      entry["error"] = code;
      text += "job " + std::to_string(a.job.id) + ": no template, error " +
              code + "\n";
    } else {
      auto name = bpmn::engine::RenderTemplate(
          property("document.file",
                   "{{business_key}}-{{instance}}-{{element}}.txt"),
          *s, node);
      auto body = bpmn::engine::RenderTemplate(tmpl, *s, node);
      std::error_code ec;
      fs::create_directories(options.dir, ec);
      const fs::path file = fs::path(options.dir) /
                            fs::path(name ? *name : "document.txt").filename();
      bool written = false;
      const bool taken = fs::exists(file, ec);  // another instance's document
      if (body && !taken) {
        std::ofstream f(file, std::ios::binary);
        f << *body;
        written = static_cast<bool>(f);
      }
      if (written) {
        bpmn::runtime::Variables vars;
        vars[property("document.variable", "documentFile")] =
            bpmn::expr::Value(file.string());
        done = engine.CompleteJob(a.job.id, std::move(vars));
        entry["file"] = file.string();
        text += "job " + std::to_string(a.job.id) + ": " + file.string() + "\n";
      } else {
        std::string why = !body   ? body.error().message
                          : taken ? file.string() + " already exists"
                                  : "cannot write " + file.string();
        done = engine.FailJob(a.job.id, why);
        entry["failed"] = why;
        text += "job " + std::to_string(a.job.id) + ": failed: " + why + "\n";
      }
    }
    if (!done) return Refused(o, done.error());
    out.push_back(entry);
  }
  Print(o, out, text);
  return kExitOk;
}

}  // namespace

void AddDocumentsCommand(CLI::App& app, int& exit_code) {
  static DbOptions o;
  static DocumentsOptions options;
  auto* documents = app.add_subcommand(
      "documents", "generate the documents open jobs ask for, from templates");
  AddDbOptions(documents, o);
  documents->add_option("--dir", options.dir,
                        "where the files go (default ./documents)");
  documents->add_option("--type", options.type,
                        "the job type (default generate-document)");
  documents->add_option("--worker", options.worker, "the worker's name");
  documents->callback([&] { exit_code = Documents(o, options); });
}

}  // namespace bpmnctl
