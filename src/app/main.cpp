// tandem: the WebRTC-to-SIP gateway's command line.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "app/check_config_command.hpp"
#include "app/echo_command.hpp"
#include "app/resolve_command.hpp"
#include "app/run_command.hpp"
#include "app/sip_lint.hpp"
#include "app/token_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Tandem: a WebRTC-to-SIP gateway"};
  // `tandem --config FILE` runs the gateway; otherwise one subcommand.
  app.require_subcommand(0, 1);
  std::string config_path;
  CLI::Option* config = app.add_option(
      "--config", config_path,
      "Run the gateway with this TOML configuration (docs/configuration.md) until SIGTERM/SIGINT");

  std::string lint_path = "-";
  CLI::App* lint =
      app.add_subcommand("sip-lint",
                         "Parse one SIP message and print it normalized as JSON (exit 0), or print "
                         "'error: line L, column C: reason' (exit 1)");
  lint->add_option("file", lint_path, "File holding the message, or - for standard input")
      ->capture_default_str();

  tandem::app::EchoOptions echo_options;
  CLI::App* echo = tandem::app::add_echo_subcommand(app, echo_options);

  tandem::app::ResolveOptions resolve_options;
  CLI::App* resolve = tandem::app::add_resolve_subcommand(app, resolve_options);

  std::string check_config_path;
  CLI::App* check_config = tandem::app::add_check_config_subcommand(app, check_config_path);

  tandem::app::TokenOptions token_options;
  CLI::App* token = tandem::app::add_token_subcommand(app, token_options);

  tandem::app::VerifyTokenOptions verify_token_options;
  CLI::App* verify_token = tandem::app::add_verify_token_subcommand(app, verify_token_options);

  CLI11_PARSE(app, argc, argv);
  if (app.get_subcommands().empty()) {
    if (config->count() == 0) {
      std::cerr << app.help() << "\nRun the gateway with --config FILE, or name a subcommand.\n";
      return 2;
    }
    return tandem::app::run_gateway(config_path, std::cout, std::cerr);
  }
  if (verify_token->parsed()) {
    return tandem::app::run_verify_token(verify_token_options, std::cin,
                                         std::chrono::system_clock::now(), std::cout, std::cerr);
  }
  if (check_config->parsed()) {
    return tandem::app::run_check_config(check_config_path, std::cout, std::cerr);
  }
  if (token->parsed()) {
    return tandem::app::run_token(token_options, std::chrono::system_clock::now(), std::cout,
                                  std::cerr);
  }
  if (echo->parsed()) return tandem::app::run_echo(echo_options, std::cout, std::cerr);
  if (resolve->parsed()) return tandem::app::run_resolve(resolve_options, std::cout, std::cerr);
  if (lint->parsed()) return tandem::app::run_sip_lint(lint_path, std::cout, std::cerr);
  return 0;
}
