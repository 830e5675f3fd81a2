// A plain loop over one parser and one message, for profilers (valgrind --tool=callgrind) that
// want a fixed amount of work without Google Benchmark's calibration runs. See bench/README.md.
//
//   tandem_bench_sip_parse_profile tandem|tandem_serialize|osip2 FILE [ITERATIONS]
#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <string_view>

#include "sip/message_parser.hpp"
#include "sip/serializer.hpp"

// Counts C++ heap allocations (libosip2 allocates with malloc and is not counted).
namespace {
size_t g_allocations = 0;
}  // namespace

void* operator new(size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s tandem|tandem_serialize|osip2 FILE [ITERATIONS]\n", argv[0]);
    return 2;
  }
  const std::string_view parser = argv[1];
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", argv[2]);
    return 2;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string bytes = buf.str();
  const long iterations = argc > 3 ? std::atol(argv[3]) : 10000;

  g_allocations = 0;  // not the file loading above
  size_t failures = 0;
  size_t sink = 0;
  if (parser == "tandem" || parser == "tandem_serialize") {
    const bool serialize = parser == "tandem_serialize";
    std::string out;
    for (long i = 0; i < iterations; ++i) {
      auto message = tandem::sip::parse_message(bytes);
      if (!message) {
        ++failures;
        continue;
      }
      sink += message->headers().size();
      if (serialize) {
        out.clear();
        tandem::sip::serialize_to(*message, out);
        sink += out.size();
      }
    }
  } else if (parser == "osip2") {
    parser_init();
    for (long i = 0; i < iterations; ++i) {
      osip_message_t* sip = nullptr;
      osip_message_init(&sip);
      if (osip_message_parse(sip, bytes.data(), bytes.size()) != 0) ++failures;
      sink += static_cast<size_t>(osip_list_size(&sip->headers));
      osip_message_free(sip);
    }
  } else {
    std::fprintf(stderr, "unknown parser '%s'\n", argv[1]);
    return 2;
  }
  const size_t allocations = g_allocations;
  std::printf(
      "%s: %ld iterations, %zu failures, %.1f operator new calls per message (checksum %zu)\n",
      argv[1], iterations, failures,
      iterations > 0 ? static_cast<double>(allocations) / static_cast<double>(iterations) : 0.0,
      sink);
  return failures == 0 ? 0 : 1;
}
