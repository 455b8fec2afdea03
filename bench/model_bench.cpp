// Throughput of TRM supervision steps on this machine: one training step
// (forward with T-1 no-grad cycles, backward through the last cycle) and one
// inference step, for the shipped configs' shapes in bfloat16 and float32.
//
// Run: build/trm_bench --benchmark_min_time=2 (TRM_THREADS=N sets the thread
// count; default all cores).

#include "trm/core/config.h"
#include "trm/model/trm.h"
#include "trm/train/loss.h"

#include <benchmark/benchmark.h>

namespace {

struct Shape {
  int hidden;
  int heads;
  int latent_steps;
  int cycles;
  int seq_len;
  int batch;
};

// Argument layout shared by both benchmarks: hidden, seq_len, batch, bf16 (1/0), n, T.
trm::model::TinyRecursiveModel make_model(const benchmark::State& state, Shape* shape) {
  shape->hidden = static_cast<int>(state.range(0));
  shape->seq_len = static_cast<int>(state.range(1));
  shape->batch = static_cast<int>(state.range(2));
  shape->heads = std::max(1, shape->hidden / 64);
  shape->latent_steps = static_cast<int>(state.range(4));
  shape->cycles = static_cast<int>(state.range(5));
  trm::core::ModelConfig config;
  config.hidden_size = shape->hidden;
  config.num_heads = shape->heads;
  config.latent_steps = shape->latent_steps;
  config.cycles = shape->cycles;
  config.forward_dtype = state.range(3) ? "bfloat16" : "float32";
  return trm::model::TinyRecursiveModel(trm::model::TinyRecursiveModelOptions(config, 259, shape->seq_len));
}

void BM_TrainSupervisionStep(benchmark::State& state) {
  Shape shape{};
  auto model = make_model(state, &shape);
  auto tokens = torch::randint(0, 259, {shape.batch, shape.seq_len}, torch::kLong);
  auto labels = torch::randint(0, 259, {shape.batch, shape.seq_len}, torch::kLong);
  auto ids = torch::zeros({shape.batch}, torch::kLong);
  auto carry = model->initial_state(model->input_embedding(tokens, ids).detach());
  for (auto _ : state) {
    model->zero_grad();
    auto out = model->forward(tokens, ids, carry);
    auto terms = trm::train::act_loss(out.logits, labels, out.q_halt, shape.batch);
    terms.total.backward();
    carry = out.state;
  }
  state.counters["examples/s"] = benchmark::Counter(static_cast<double>(shape.batch) * state.iterations(),
                                                    benchmark::Counter::kIsRate);
}

void BM_InferenceSupervisionStep(benchmark::State& state) {
  Shape shape{};
  auto model = make_model(state, &shape);
  model->eval();
  torch::InferenceMode guard;
  auto tokens = torch::randint(0, 259, {shape.batch, shape.seq_len}, torch::kLong);
  auto ids = torch::zeros({shape.batch}, torch::kLong);
  auto x = model->input_embedding(tokens, ids);
  auto carry = model->initial_state(x);
  for (auto _ : state) {
    auto out = model->supervision_step(x, carry);
    carry = out.state;
    benchmark::DoNotOptimize(out.logits.data_ptr());
  }
  state.counters["examples/s"] = benchmark::Counter(static_cast<double>(shape.batch) * state.iterations(),
                                                    benchmark::Counter::kIsRate);
}

// {hidden, seq_len, batch, bf16, n, T}
BENCHMARK(BM_TrainSupervisionStep)
    ->Args({128, 576, 16, 1, 2, 2})
    ->Args({128, 576, 16, 0, 2, 2})
    ->Args({64, 576, 16, 1, 2, 2})
    ->Args({128, 768, 16, 1, 2, 2})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InferenceSupervisionStep)
    ->Args({128, 576, 64, 1, 2, 2})
    ->Args({128, 576, 64, 0, 2, 2})
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  const char* threads = std::getenv("TRM_THREADS");
  at::set_num_threads(trm::core::resolve_threads(threads ? std::atoi(threads) : 0));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
