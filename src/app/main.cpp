// tandem: the WebRTC-to-SIP gateway's command line.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"Tandem: a WebRTC-to-SIP gateway"};
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
