#include "app/sip_lint.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "app/sip_json.hpp"
#include "sip/message_parser.hpp"

namespace tandem::app {

int run_sip_lint(std::string_view path, std::ostream& out, std::ostream& err) {
  std::string data;
  if (path == "-") {
    data.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file{std::string(path), std::ios::binary};
    if (!file) {
      err << "error: cannot read '" << path << "'\n";
      return 2;
    }
    data.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  auto message = sip::parse_message(data);
  if (!message) {
    const Error& e = message.error();
    err << "error: line " << e.line << ", column " << e.column << ": " << e.reason << "\n";
    return 1;
  }
  out << to_json(*message).dump(2) << "\n";
  return 0;
}

}  // namespace tandem::app
