// `trm refine`: refines a JSONL file of base-model outputs.

#include "commands.h"

#include "trm/infer/jsonl_refine.h"
#include "trm/model/checkpoint.h"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace trm::apps {
namespace {

struct RefineArgs {
  std::string checkpoint;
  std::string input;
  std::string output;
  int max_steps = 0;
  int batch_size = 64;
  bool no_halting = false;
  bool stop_on_valid = false;
  bool valid_requires_halt = false;
  bool no_repeat_stop = false;
  std::string valid_base = "accept-valid";
  std::string trace;
  bool constrained = false;
  int beam_width = 4;
  bool passthrough = false;
  bool lenient_only = false;
  int threads = 0;
  std::string device = "cpu";
  std::string log_level = "info";
};

void run_refine(const RefineArgs& args) {
  init_runtime(args.log_level, args.threads);
  if (args.passthrough && args.lenient_only) {
    throw std::invalid_argument("--passthrough and --lenient-only exclude each other; give one");
  }

  infer::JsonlRefineOptions options;
  options.input_path = args.input;
  options.output_path = args.output;
  options.refine.max_steps = args.max_steps;
  options.refine.batch_size = args.batch_size;
  options.refine.use_halting = !args.no_halting;
  options.refine.stop_on_valid = args.stop_on_valid || args.valid_requires_halt;
  options.refine.valid_requires_halt = args.valid_requires_halt;
  options.refine.stop_on_repeat = !args.no_repeat_stop;
  options.trace_path = args.trace;
  options.constrained = args.constrained;
  options.beam_width = args.beam_width;
  if (args.beam_width < 1) throw std::invalid_argument("--beam-width: must be >= 1, got " + std::to_string(args.beam_width));
  if (args.valid_base == "keep") {
    options.valid_base = infer::ValidBasePolicy::kKeep;
  } else if (args.valid_base != "accept-valid") {
    throw std::invalid_argument("--valid-base: must be keep or accept-valid, got '" + args.valid_base + "'");
  }
  options.refine.validate();
  options.mode = args.passthrough    ? infer::RefineMode::kPassthrough
                 : args.lenient_only ? infer::RefineMode::kLenient
                                     : infer::RefineMode::kModel;

  // Fail before loading the model when the output cannot be written.
  const auto output_folder = std::filesystem::absolute(args.output).parent_path();
  if (!std::filesystem::is_directory(output_folder)) {
    throw std::invalid_argument("--output: folder '" + output_folder.string() + "' does not exist");
  }

  if (options.mode != infer::RefineMode::kModel && !args.checkpoint.empty()) {
    spdlog::warn("[refine] --checkpoint {} is not used with --passthrough or --lenient-only", args.checkpoint);
  }

  const torch::Device device = model::parse_device(args.device);
  std::optional<model::LoadedModel> loaded;
  if (options.mode == infer::RefineMode::kModel) {
    if (args.checkpoint.empty()) {
      throw std::invalid_argument("--checkpoint is required unless --passthrough or --lenient-only is given");
    }
    loaded = model::load_for_inference(args.checkpoint, device);
    spdlog::info("[refine] checkpoint {} (step {}, {} weights), {}", args.checkpoint, loaded->step,
                 loaded->ema ? "EMA" : "raw", loaded->model->summary());
  }

  const auto summary = infer::refine_jsonl(options, loaded ? &*loaded : nullptr, device);
  const double ms_per_line = summary.lines > 0 ? summary.wall_ms / summary.lines : 0.0;
  if (options.mode == infer::RefineMode::kModel) {
    spdlog::info("[refine] {} lines -> {}: {} refined by the model, {} do not fit (passed through), {} errors; "
                 "{} steps; {:.1f} ms, {:.2f} ms/line",
                 summary.lines, args.output, summary.refined, summary.not_fit, summary.errors, summary.steps,
                 summary.wall_ms, ms_per_line);
    spdlog::info("[refine] valid base outputs: {} kept without the model, {} restored because the refined output "
                 "did not validate",
                 summary.kept_valid, summary.reverted);
    if (options.constrained) {
      spdlog::info("[refine] constrained decoding: {} records valid (argmax already valid, or decoded under the "
                   "schema), {} left to argmax (see 'decode')",
                   summary.constrained, summary.unconstrained);
    }
  } else {
    const char* mode_description =
        options.mode == infer::RefineMode::kPassthrough ? "passed through" : "through the lenient parser";
    spdlog::info("[refine] {} lines -> {}: {} {}, {} errors; {:.1f} ms, {:.2f} ms/line", summary.lines, args.output,
                 summary.lines - summary.errors, mode_description, summary.errors, summary.wall_ms, ms_per_line);
  }
}

}  // namespace

void add_refine_command(CLI::App& app) {
  auto args = std::make_shared<RefineArgs>();
  auto* command = app.add_subcommand("refine", "Refine a JSONL file of base-model outputs with a trained model.");
  command->add_option("--checkpoint", args->checkpoint, "Checkpoint (.safetensors) written by trm train.");
  command->add_option("--input", args->input, "Input JSONL: one record with base_output per line.")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--output", args->output, "Output JSONL: one line per input line, in input order.")->required();
  command->add_option("--max-steps", args->max_steps, "Supervision-step budget per record (default 0 = the model's N_sup).");
  command->add_option("--batch-size", args->batch_size, "Records per batch (default 64).");
  command->add_flag("--no-halting", args->no_halting, "Ignore the halting head when deciding to stop.");
  command->add_flag("--stop-on-valid", args->stop_on_valid, "Stop a record as soon as its output validates.");
  command->add_flag("--valid-requires-halt", args->valid_requires_halt,
                    "Stop on a valid output only when the halting head also says halt (implies --stop-on-valid).");
  command->add_flag("--no-repeat-stop", args->no_repeat_stop,
                    "Do not stop when the output repeats the previous step (fixed point) or an earlier one.");
  command->add_option("--valid-base", args->valid_base,
                      "A base output that already validates: accept-valid (default: replace it only by a valid "
                      "refined output) or keep (return it unchanged, without the model).");
  command->add_flag("--constrained", args->constrained,
                    "Decode the output under the record's tool schemas, so that it parses and validates whenever the "
                    "schema is supported.");
  command->add_option("--beam-width", args->beam_width, "Beams of the constrained decoder (default 4).");
  command->add_option("--trace", args->trace,
                      "Write every step's decoded output, validity and halting probability to this JSONL file.");
  command->add_flag("--passthrough", args->passthrough, "No model: write the base outputs unchanged.");
  command->add_flag("--lenient-only", args->lenient_only,
                    "No model: write the lenient parser's canonical rendering where it reads calls.");
  command->add_option("--threads", args->threads, "Intra-op threads (default 0 = all cores).");
  command->add_option("--device", args->device, "Device: cpu, cuda or cuda:N (default cpu).");
  command->add_option("--log-level", args->log_level, "trace, debug, info, warn or error (default info).");
  command->callback([args] { run_refine(*args); });
}

}  // namespace trm::apps
