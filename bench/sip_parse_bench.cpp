// SIP parsing throughput: Tandem's parser against libosip2's, on the same recorded messages, in
// the same run. See bench/README.md for what is measured and how to read the summary.
//
//   tandem_bench_sip_parse [--data_dir=DIR] [Google Benchmark flags]
//
// Every message under bench/data/ is loaded once at start; both parsers are first checked to
// accept it (and to find the fields the benchmark claims they parse), then each benchmark parses
// the same bytes. After the run a table gives messages per second per parser and their ratio.
#include <benchmark/benchmark.h>
#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message_parser.hpp"
#include "sip/serializer.hpp"

namespace {

// Tandem is meant to parse at least this many times as many messages per second as libosip2.
constexpr double kGoalRatio = 3.0;

struct Sample {
  std::string name;   // benchmark argument, e.g. "invite_webrtc"
  std::string file;   // file name under the data directory
  std::string bytes;  // the message exactly as on the wire
};

// The messages, in the order the summary lists them.
const std::vector<std::pair<std::string, std::string>> kFiles = {
    {"invite_webrtc", "invite_webrtc.sip"},  // JsSIP INVITE over WSS, Chromium audio+video offer
    {"register_digest", "register_digest.sip"},  // JsSIP REGISTER with a digest Authorization
    {"ok_invite_rr", "ok_invite_rr.sip"},  // PBX 200 OK via Kamailio: Record-Route, SDP answer
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "tandem_bench_sip_parse: %s\n", what.c_str());
  std::exit(2);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) die("cannot open " + path + " (pass --data_dir=DIR to point at bench/data)");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The bytes after the first empty line: what both parsers must return as the body.
std::string_view body_of(std::string_view message) {
  const size_t end = message.find("\r\n\r\n");
  if (end == std::string_view::npos) die("a sample message has no empty line after its headers");
  return message.substr(end + 4);
}

// --- the two parsers, wrapped so the benchmark and the check call exactly the same code ---

tandem::Result<tandem::sip::Message> tandem_parse(std::string_view bytes) {
  return tandem::sip::parse_message(bytes);
}

// osip_message_init + osip_message_parse; the caller frees. Returns null on failure.
osip_message_t* osip2_parse(const std::string& bytes) {
  osip_message_t* sip = nullptr;
  if (osip_message_init(&sip) != 0) return nullptr;
  if (osip_message_parse(sip, bytes.data(), bytes.size()) != 0) {
    osip_message_free(sip);
    return nullptr;
  }
  return sip;
}

// Aborts unless both parsers accept `s` and find the fields that make the comparison fair: the
// ones Tandem validates (Via, From, To, Call-ID, CSeq, Contact) and the whole body.
void check_sample(const Sample& s) {
  const std::string where = s.file + ": ";
  const std::string_view body = body_of(s.bytes);

  // Stream framing is the strict mode: Content-Length must match the body exactly.
  auto parsed = tandem::sip::parse_message(s.bytes, {}, tandem::sip::Framing::kStream);
  if (!parsed) die(where + "Tandem rejects it: " + parsed.error().describe());
  if (parsed->body() != body) die(where + "Tandem's body differs from the bytes after the headers");
  if (!parsed->top_via() || !parsed->from() || !parsed->to() || !parsed->call_id() ||
      !parsed->cseq() || !parsed->contacts()) {
    die(where + "Tandem parsed it but lacks Via, From, To, Call-ID, CSeq or Contact");
  }
  const std::string wire = tandem::sip::serialize(*parsed);
  auto again = tandem::sip::parse_message(wire, {}, tandem::sip::Framing::kStream);
  if (!again) die(where + "Tandem cannot parse its own serialization: " + again.error().describe());

  osip_message_t* sip = osip2_parse(s.bytes);
  if (sip == nullptr) die(where + "libosip2 rejects it (osip_message_parse failed)");
  const bool fields = sip->from != nullptr && sip->to != nullptr && sip->call_id != nullptr &&
                      sip->cseq != nullptr && osip_list_size(&sip->vias) > 0 &&
                      osip_list_size(&sip->contacts) > 0;
  const auto* osip_body = static_cast<const osip_body_t*>(osip_list_get(&sip->bodies, 0));
  const bool body_ok =
      body.empty()
          ? osip_list_size(&sip->bodies) <= 0
          : osip_body != nullptr && std::string_view(osip_body->body, osip_body->length) == body;
  osip_message_free(sip);
  if (!fields) die(where + "libosip2 parsed it but lacks Via, From, To, Call-ID, CSeq or Contact");
  if (!body_ok) die(where + "libosip2's body differs from the bytes after the headers");
}

// --- benchmarks ---

void set_counters(benchmark::State& state, const Sample& s) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.bytes.size()));
}

void bm_tandem_parse(benchmark::State& state, const Sample* s) {
  const std::string_view bytes = s->bytes;
  for (auto _ : state) {
    auto message = tandem_parse(bytes);
    benchmark::DoNotOptimize(message);
    if (!message) state.SkipWithError("Tandem parse failed");
  }
  set_counters(state, *s);
}

void bm_osip2_parse(benchmark::State& state, const Sample* s) {
  for (auto _ : state) {
    osip_message_t* sip = nullptr;
    osip_message_init(&sip);
    const int rc = osip_message_parse(sip, s->bytes.data(), s->bytes.size());
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(sip);
    osip_message_free(sip);
    if (rc != 0) state.SkipWithError("osip_message_parse failed");
  }
  set_counters(state, *s);
}

void bm_tandem_parse_serialize(benchmark::State& state, const Sample* s) {
  const std::string_view bytes = s->bytes;
  std::string out;
  for (auto _ : state) {
    auto message = tandem_parse(bytes);
    if (!message) {
      state.SkipWithError("Tandem parse failed");
      break;
    }
    out.clear();
    tandem::sip::serialize_to(*message, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, *s);
}

// --- summary ---

// Prints the usual console output and keeps messages/s per benchmark name for the summary. With
// --benchmark_repetitions it keeps the median aggregate; otherwise the single run.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run>& reports) override {
    ConsoleReporter::ReportRuns(reports);
    for (const Run& run : reports) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      const auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      Entry& e = rates_[run.run_name.str()];
      if (median || !e.from_median) e = Entry{it->second.value, median};
    }
  }

  // messages/s of "family/sample", or 0 when it did not run (filtered out or failed).
  double rate(const std::string& family, const std::string& sample) const {
    const auto it = rates_.find(family + "/" + sample);
    return it == rates_.end() ? 0.0 : it->second.rate;
  }

 private:
  struct Entry {
    double rate = 0;
    bool from_median = false;
  };
  std::map<std::string, Entry> rates_;
};

std::string format_rate(double r) {
  if (r <= 0) return "-";
  char buf[32];
  if (r >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM", r / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.1fk", r / 1e3);
  }
  return buf;
}

void print_summary(const SummaryReporter& reporter, const std::vector<Sample>& samples) {
  std::printf(
      "\nSIP parse summary (messages per second; ratio = Tandem / libosip2, goal >= %.1fx)\n",
      kGoalRatio);
  std::printf("%-17s %7s %12s %12s %8s %16s  %s\n", "message", "bytes", "Tandem", "libosip2",
              "ratio", "Tandem+serialize", "goal");
  int compared = 0;
  int met_count = 0;
  for (const Sample& s : samples) {
    const double t = reporter.rate("BM_Tandem_Parse", s.name);
    const double o = reporter.rate("BM_Osip2_Parse", s.name);
    const double ts = reporter.rate("BM_Tandem_ParseSerialize", s.name);
    std::string ratio = "-";
    std::string verdict = "-";
    if (t > 0 && o > 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2fx", t / o);
      ratio = buf;
      const bool met = t / o >= kGoalRatio;
      verdict = met ? "met" : "NOT met";
      ++compared;
      met_count += met ? 1 : 0;
    }
    std::printf("%-17s %7zu %12s %12s %8s %16s  %s\n", s.name.c_str(), s.bytes.size(),
                format_rate(t).c_str(), format_rate(o).c_str(), ratio.c_str(),
                format_rate(ts).c_str(), verdict.c_str());
  }
  if (compared > 0) {
    std::printf("goal (Tandem >= %.1fx libosip2) met for %d of %d messages\n", kGoalRatio,
                met_count, compared);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Our own flag first; Google Benchmark rejects flags it does not know.
  std::string data_dir = TANDEM_BENCH_DATA_DIR;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    constexpr std::string_view kFlag = "--data_dir=";
    if (i > 0 && std::string_view(argv[i]).starts_with(kFlag)) {
      data_dir = argv[i] + kFlag.size();
    } else {
      args.push_back(argv[i]);
    }
  }
  int args_count = static_cast<int>(args.size());
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;

  if (parser_init() != 0) die("libosip2 parser_init() failed");

  std::vector<Sample> samples;
  for (const auto& [name, file] : kFiles) {
    samples.push_back(Sample{name, file, read_file(data_dir + "/" + file)});
  }
  for (const Sample& s : samples) check_sample(s);

  for (const Sample& s : samples) {
    benchmark::RegisterBenchmark(("BM_Tandem_Parse/" + s.name).c_str(), bm_tandem_parse, &s);
    benchmark::RegisterBenchmark(("BM_Osip2_Parse/" + s.name).c_str(), bm_osip2_parse, &s);
    benchmark::RegisterBenchmark(("BM_Tandem_ParseSerialize/" + s.name).c_str(),
                                 bm_tandem_parse_serialize, &s);
  }

  const bool color = isatty(STDOUT_FILENO) != 0;
  SummaryReporter reporter(color ? benchmark::ConsoleReporter::OO_ColorTabular
                                 : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_summary(reporter, samples);
  benchmark::Shutdown();
  return 0;
}
