#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/check_config_command.hpp"
#include "app/config_keys.hpp"
#include "app/config_loader.hpp"
#include "app/config_validation.hpp"
#include "app/duration_text.hpp"
#include "app/token_command.hpp"
#include "unit/gateway/unit_test_keys.hpp"

namespace tandem::app {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

const std::string kExample = TANDEM_TEST_DATA_DIR "/../../docs/tandem.example.toml";

const std::string kMinimal = R"(
[listen]
ws = "127.0.0.1:8080"
[sip]
pbx = "sip:127.0.0.1:5060"
[media]
public_ip = "192.0.2.10"
[auth]
audience = "tandem"
hs256_secret = "0123456789abcdef0123456789abcdef"
)";

// Loads and validates like start-up does (validation errors about keys that failed to load are
// dropped, as in load_and_validate).
ConfigErrors check(const std::string& text, const std::string& dir = "") {
  LoadedConfig loaded = load_config_text(text, "test.toml", dir);
  if (!loaded.errors.empty()) return loaded.errors;
  return validate_config(loaded.config);
}

std::string all(const ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.describe() + "\n";
  return out;
}

bool has_error(const ConfigErrors& errors, const std::string& key, const std::string& part) {
  for (const auto& e : errors) {
    if (e.key == key && e.message.find(part) != std::string::npos) return true;
  }
  return false;
}

struct TempDir {
  fs::path path;
  TempDir() {
    path =
        fs::temp_directory_path() /
        ("tandem-config-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

TEST(Config, MinimalConfigIsValidAndDefaultsApply) {
  LoadedConfig loaded = load_config_text(kMinimal, "test.toml");
  ASSERT_TRUE(loaded.errors.empty()) << all(loaded.errors);
  EXPECT_TRUE(validate_config(loaded.config).empty()) << all(validate_config(loaded.config));
  const Config& c = loaded.config;
  EXPECT_EQ(c.sip.transport, SipTransport::kUdp);
  EXPECT_EQ(c.media.browser_port, 40000);
  EXPECT_EQ(c.codecs.order, (std::vector<std::string>{"opus", "pcmu", "pcma"}));
  EXPECT_EQ(c.auth.clock_skew, seconds(30));
  EXPECT_FALSE(c.demo.enabled);
}

TEST(Config, TheDocumentedExampleIsAccepted) {
  const LoadedConfig loaded = load_and_validate(kExample);
  EXPECT_TRUE(loaded.errors.empty()) << all(loaded.errors);
  EXPECT_EQ(loaded.config.sip.transport, SipTransport::kTcp);
  EXPECT_FALSE(loaded.config.demo.enabled);
  EXPECT_FALSE(loaded.config.turn.servers.empty());
}

struct BadCase {
  const char* name;
  std::string text;
  std::string key;
  std::string part;  // expected in the message
};

// Replaces the value of `line_prefix` in kMinimal.
std::string replace(const std::string& line_prefix, const std::string& line) {
  std::string t = kMinimal;
  const size_t at = t.find(line_prefix);
  const size_t end = t.find('\n', at);
  return t.substr(0, at) + line + t.substr(end);
}

std::string add_after(const std::string& section, const std::string& lines) {
  std::string t = kMinimal;
  const size_t at = t.find(section) + section.size();
  return t.substr(0, at) + "\n" + lines + t.substr(at);
}

TEST(Config, EveryErrorNamesItsKey) {
  const BadCase cases[] = {
      {"unknown root key", "colour = 1\n" + kMinimal, "colour", "unknown key"},
      {"unknown section", kMinimal + "[medai]\nworkers = 2\n", "medai", "unknown key"},
      {"typo in a section", add_after("[media]", "public_iip = \"1.2.3.4\""), "media.public_iip",
       "unknown key"},
      {"section not a table", "logging = 5\n" + kMinimal, "logging", "expected a table"},
      {"ws not an address", replace("ws =", "ws = \"localhost\""), "listen.ws",
       "expected an IP address and port"},
      {"ws port out of range", replace("ws =", "ws = \"127.0.0.1:70000\""), "listen.ws",
       "got \"127.0.0.1:70000\""},
      {"no listener", replace("ws =", ""), "listen", "neither listen.ws nor listen.wss"},
      {"wss without certificate", add_after("[listen]", "wss = \"0.0.0.0:8443\""),
       "listen.tls_certificate", "required with listen.wss"},
      {"ws wrong type", replace("ws =", "ws = 8080"), "listen.ws", "got the integer 8080"},
      {"pbx missing", replace("pbx =", ""), "sip.pbx", "missing"},
      {"pbx not a SIP URI", replace("pbx =", "pbx = \"http://pbx\""), "sip.pbx",
       "expected a SIP URI"},
      {"transport unknown", add_after("[sip]", "transport = \"sctp\""), "sip.transport",
       "expected one of udp, tcp, tls"},
      {"sips over udp", replace("pbx =", "pbx = \"sips:pbx.example.com\""), "sip.transport",
       "needs \"tls\""},
      {"bad outbound proxy", add_after("[sip]", "outbound_proxy = \"proxy\""), "sip.outbound_proxy",
       "expected a SIP URI"},
      {"bad local address", add_after("[sip]", "local_address = \"eth0\""), "sip.local_address",
       "expected an IP address and port"},
      {"bad domain", add_after("[sip]", "domain = \"a b\""), "sip.domain", "host name"},
      {"ca file without tls", add_after("[sip]", "tls_ca_file = \"/etc/hostname\""),
       "sip.tls_ca_file", "only used with"},
      {"public ip missing", replace("public_ip =", ""), "media.public_ip", "missing"},
      {"public ip unspecified", replace("public_ip =", "public_ip = \"0.0.0.0\""),
       "media.public_ip", "unicast"},
      {"public ip a name", replace("public_ip =", "public_ip = \"gw.example.com\""),
       "media.public_ip", "got \"gw.example.com\""},
      {"bind ip", add_after("[media]", "bind_ip = \"any\""), "media.bind_ip", "IP address"},
      {"browser port zero", add_after("[media]", "browser_port = 0"), "media.browser_port",
       "expected an integer in 1..65535"},
      {"rtp range reversed", add_after("[media]", "rtp_port_min = 30000\nrtp_port_max = 20000"),
       "media.rtp_port_min", "at most media.rtp_port_max"},
      {"rtp min odd", add_after("[media]", "rtp_port_min = 20001"), "media.rtp_port_min", "even"},
      {"rtp min privileged", add_after("[media]", "rtp_port_min = 80"), "media.rtp_port_min",
       "1024..65535"},
      {"browser ports in the rtp range", add_after("[media]", "browser_port = 25000"),
       "media.browser_port", "overlap"},
      {"browser ports past 65535", add_after("[media]", "browser_port = 65535\nworkers = 4"),
       "media.browser_port", "exceeds 65535"},
      {"workers negative", add_after("[media]", "workers = -1"), "media.workers", "0..256"},
      {"workers a float", add_after("[media]", "workers = 2.5"), "media.workers",
       "got the float 2.5"},
      {"ice_tcp a string", add_after("[media]", "ice_tcp = \"yes\""), "media.ice_tcp",
       "expected true or false"},
      {"codec unknown", kMinimal + "[codecs]\norder = [\"opus\", \"g729\"]\n", "codecs.order[1]",
       "expected one of opus, pcmu, pcma, g722"},
      {"codec twice", kMinimal + "[codecs]\norder = [\"pcmu\", \"pcmu\"]\n", "codecs.order[1]",
       "twice"},
      {"codec list empty", kMinimal + "[codecs]\norder = []\n", "codecs.order", "at least one"},
      {"only g722", kMinimal + "[codecs]\norder = [\"g722\"]\n", "codecs.order",
       "g722 is not supported yet"},
      {"codec not a string", kMinimal + "[codecs]\norder = [\"opus\", 8]\n", "codecs.order[1]",
       "expected a string"},
      {"audience missing", replace("audience =", ""), "auth.audience", "missing"},
      {"secret too short", replace("hs256_secret =", "hs256_secret = \"short\""),
       "auth.hs256_secret", "at least 32 bytes"},
      {"no key at all", replace("hs256_secret =", ""), "auth", "no token key"},
      {"secret and file", add_after("[auth]", "hs256_secret_file = \"/etc/hostname\""),
       "auth.hs256_secret_file", "not both"},
      {"public key file missing", add_after("[auth]", "rs256_public_key = \"/nonexistent.pem\""),
       "auth.rs256_public_key", "cannot open /nonexistent.pem"},
      {"public key not PEM", add_after("[auth]", "es256_public_key = \"/etc/hostname\""),
       "auth.es256_public_key", "not a PEM public key"},
      {"skew too large", add_after("[auth]", "clock_skew = \"1h\""), "auth.clock_skew",
       "from 0 s to 600 s"},
      {"skew not a duration", add_after("[auth]", "clock_skew = \"thirty\""), "auth.clock_skew",
       "expected a duration"},
      {"turn without secret", kMinimal + "[turn]\nservers = [\"turn:127.0.0.1:3478\"]\n",
       "turn.secret", "required with turn.servers"},
      {"turn url scheme", kMinimal + "[turn]\nservers = [\"127.0.0.1:3478\"]\nsecret = \"x\"\n",
       "turn.servers[0]", "turn: or turns:"},
      {"stun url scheme", kMinimal + "[turn]\nstun = [\"turn:127.0.0.1\"]\n", "turn.stun[0]",
       "stun: or stuns:"},
      {"turn ttl too short", kMinimal + "[turn]\ncredential_ttl = \"10s\"\n", "turn.credential_ttl",
       "from 60 s"},
      {"credential without password", kMinimal + "[[credentials.user]]\nuser = \"1001\"\n",
       "credentials.user[0].password", "missing"},
      {"credential typo",
       kMinimal + "[[credentials.user]]\nuser = \"1001\"\npassword = \"p\"\n"
                  "pasword = \"p\"\n",
       "credentials.user[0].pasword", "unknown key"},
      {"credential duplicate",
       kMinimal + "[[credentials.user]]\nuser = \"1001\"\npassword = \"a\"\n"
                  "[[credentials.user]]\nuser = \"1001\"\npassword = \"b\"\n",
       "credentials.user", "two entries"},
      {"credentials mode", kMinimal + "[credentials]\nmode = \"relay\"\n", "credentials.mode",
       "expected one of store, passthrough"},
      {"credentials file missing", kMinimal + "[credentials]\nfile = \"/nonexistent.toml\"\n",
       "credentials.file", "cannot open"},
      {"log level", kMinimal + "[logging]\nlevel = \"verbose\"\n", "logging.level",
       "expected one of trace, debug, info, warn, error, off"},
      {"log format", kMinimal + "[logging]\nformat = \"xml\"\n", "logging.format",
       "expected one of text, json"},
      {"log directory", kMinimal + "[logging]\nfile = \"/nonexistent/dir/tandem.log\"\n",
       "logging.file", "directory does not exist"},
      {"demo flag type", kMinimal + "[demo]\nenabled = 1\n", "demo.enabled",
       "expected true or false"},
      {"demo without signing key", replace("hs256_secret =", "") + "[demo]\nenabled = true\n",
       "auth", "no token key"},
      {"demo ttl", kMinimal + "[demo]\ntoken_ttl = \"2d\"\n", "demo.token_ttl", "to 86400 s"},
      {"demo user empty", kMinimal + "[demo]\nusers = [\"\"]\n", "demo.users[0]", "empty"},
  };
  for (const BadCase& c : cases) {
    const ConfigErrors errors = check(c.text);
    EXPECT_TRUE(has_error(errors, c.key, c.part))
        << c.name << ": expected " << c.key << " ~ " << c.part << ", got:\n"
        << all(errors);
  }
}

TEST(Config, AllErrorsAreCollectedWithLines) {
  const std::string text = R"([sip]
transport = "sctp"
pbx = 5
[media]
workers = "many"
colour = "blue"
)";
  const LoadedConfig loaded = load_config_text(text, "test.toml");
  ASSERT_EQ(loaded.errors.size(), 4u) << all(loaded.errors);
  EXPECT_TRUE(has_error(loaded.errors, "sip.transport", "got the string \"sctp\""));
  EXPECT_TRUE(has_error(loaded.errors, "sip.pbx", "expected a string"));
  EXPECT_TRUE(has_error(loaded.errors, "media.workers", "expected an integer"));
  EXPECT_TRUE(has_error(loaded.errors, "media.colour", "unknown key"));
  for (const auto& e : loaded.errors) EXPECT_GT(e.line, 0u) << e.describe();
  // Validation then adds the missing pieces (listen, auth), not repeats of the above.
  TempDir dir;
  const std::string path = dir.write("t.toml", text);
  const LoadedConfig full = load_and_validate(path);
  EXPECT_TRUE(has_error(full.errors, "listen", "neither"));
  EXPECT_TRUE(has_error(full.errors, "auth.audience", "missing"));
  EXPECT_FALSE(has_error(full.errors, "sip.pbx", "missing"));
}

TEST(Config, SyntaxErrorsAreReported) {
  const ConfigErrors errors = check("[sip\npbx = \"x\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("TOML syntax"), std::string::npos);
  EXPECT_FALSE(check("[sip]\npbx = \"a\"\npbx = \"b\"\n").empty());  // duplicate key
}

TEST(Config, SecretsAreNeverEchoed) {
  const std::string secret = "hunter2-the-secret";
  for (const ConfigErrors& errors :
       {check(replace("hs256_secret =", "hs256_secret = \"" + secret + "\"")),
        check(replace("hs256_secret =", "hs256_secret = 12345678")),
        check(kMinimal + "[turn]\nsecret = 12345678\n"),
        check(kMinimal + "[[credentials.user]]\nuser = \"1\"\npassword = 12345678\n")}) {
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(all(errors).find(secret), std::string::npos) << all(errors);
    EXPECT_EQ(all(errors).find("12345678"), std::string::npos) << all(errors);
  }
}

TEST(Config, KeyFilesRelativeToTheConfigAndCredentialsFile) {
  TempDir dir;
  dir.write("rs.pem", gateway::testing::rsa_pair().public_pem);
  dir.write("es.key", gateway::testing::ec_pair().private_pem);
  dir.write("users.toml",
            "[[user]]\nuser = \"1001\"\npassword = \"p1\"\n[[user]]\nuser = \"1002\"\n"
            "auth_user = \"u1002\"\npassword = \"p2\"\nrealm = \"pbx\"\n");
  const std::string path = dir.write("tandem.toml", kMinimal +
                                                        "rs256_public_key = \"rs.pem\"\n"
                                                        "es256_private_key = \"es.key\"\n"
                                                        "[credentials]\nfile = \"users.toml\"\n");
  const LoadedConfig loaded = load_and_validate(path);
  ASSERT_TRUE(loaded.errors.empty()) << all(loaded.errors);
  EXPECT_EQ(loaded.config.auth.rs256_public_key, (dir.path / "rs.pem").string());
  ASSERT_EQ(loaded.config.credentials.users.size(), 2u);
  EXPECT_EQ(loaded.config.credentials.users[0].auth_user, "1001");
  EXPECT_EQ(loaded.config.credentials.users[1].auth_user, "u1002");
  ConfigErrors errors;
  const AuthKeys keys = load_auth_keys(loaded.config.auth, errors);
  EXPECT_EQ(keys.verify.size(), 3u);  // HS256, RS256 (public), ES256 (from the private key)
  EXPECT_EQ(keys.sign.size(), 2u);    // HS256, ES256

  // Demo mode mints, so a public key alone is not enough.
  const std::string demo =
      dir.write("demo.toml", replace("hs256_secret =", "rs256_public_key = \"rs.pem\"") +
                                 "[demo]\nenabled = true\n");
  EXPECT_TRUE(has_error(load_and_validate(demo).errors, "demo.enabled", "needs"))
      << all(load_and_validate(demo).errors);

  // A wrong key type and an error inside the credentials file.
  dir.write("users.toml", "[[user]]\nuser = \"1001\"\n");
  const std::string bad =
      dir.write("bad.toml",
                kMinimal + "es256_public_key = \"rs.pem\"\n[credentials]\nfile = \"users.toml\"\n");
  const LoadedConfig b = load_and_validate(bad);
  EXPECT_TRUE(has_error(b.errors, "auth.es256_public_key", "ES256 needs an EC P-256 key"))
      << all(b.errors);
  bool found = false;
  for (const auto& e : b.errors) {
    found = found || (e.key.find("credentials.file") == 0 &&
                      e.key.find("user[0].password") != std::string::npos);
  }
  EXPECT_TRUE(found) << all(b.errors);
}

TEST(Config, CheckConfigCommand) {
  TempDir dir;
  std::ostringstream out, err;
  EXPECT_EQ(run_check_config(dir.write("ok.toml", kMinimal), out, err), 0) << err.str();
  EXPECT_EQ(out.str().rfind("OK ", 0), 0u) << out.str();
  EXPECT_NE(out.str().find("auth: audience \"tandem\", keys HS256"), std::string::npos);
  std::ostringstream out2, err2;
  EXPECT_EQ(run_check_config(dir.write("bad.toml", kMinimal + "[media2]\n"), out2, err2), 1);
  EXPECT_NE(err2.str().find("1 error\n"), std::string::npos) << err2.str();
  EXPECT_NE(err2.str().find("media2: unknown key"), std::string::npos) << err2.str();
  std::ostringstream out3, err3;
  EXPECT_EQ(run_check_config((dir.path / "absent.toml").string(), out3, err3), 1);
  EXPECT_NE(err3.str().find("cannot open"), std::string::npos);
}

TEST(Config, TokenCommandMintsWhatTheVerifierAccepts) {
  TempDir dir;
  dir.write("rs.key", gateway::testing::rsa_pair().private_pem);
  const std::string path = dir.write("t.toml", kMinimal + "rs256_private_key = \"rs.key\"\n");
  const gateway::WallTime now = gateway::WallClock::now();
  ConfigErrors errors;
  const auto verifier = make_token_verifier(load_config_file(path).config.auth, errors);
  ASSERT_TRUE(verifier.has_value()) << all(errors);
  for (const std::string alg : {"", "HS256", "RS256"}) {
    TokenOptions options;
    options.config = path;
    options.sub = "1001";
    options.ttl = "15m";
    options.allow = {"600", "601"};
    options.alg = alg;
    std::ostringstream out, err;
    ASSERT_EQ(run_token(options, now, out, err), 0) << err.str();
    std::string token = out.str();
    ASSERT_EQ(token.back(), '\n');
    token.pop_back();
    const auto r = verifier->verify(token, now);
    ASSERT_TRUE(r) << r.rejection().describe();
    EXPECT_EQ(r.identity().subject, "1001");
    EXPECT_EQ(r.identity().expires - now < seconds(901), true);
    EXPECT_EQ(r.identity().algorithm,
              alg == "RS256" ? gateway::JwtAlgorithm::kRs256 : gateway::JwtAlgorithm::kHs256);
    EXPECT_EQ(*r.identity().allow, (std::vector<std::string>{"600", "601"}));
  }
  TokenOptions es;
  es.config = path;
  es.sub = "1001";
  es.alg = "ES256";
  std::ostringstream out, err;
  EXPECT_EQ(run_token(es, now, out, err), 1);
  EXPECT_NE(err.str().find("no signing key for ES256"), std::string::npos);
  es.alg = "";
  es.ttl = "forever";
  EXPECT_EQ(run_token(es, now, out, err), 1);
}

TEST(Config, Durations) {
  EXPECT_EQ(parse_duration("90s"), seconds(90));
  EXPECT_EQ(parse_duration("15m"), seconds(900));
  EXPECT_EQ(parse_duration("12h"), seconds(43200));
  EXPECT_EQ(parse_duration("7d"), seconds(604800));
  EXPECT_EQ(parse_duration("42"), seconds(42));
  for (const char* bad : {"", "h", "-5s", "1.5h", "5w", "1 h", "99999999999999999999d"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace tandem::app
