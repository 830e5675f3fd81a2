// A torture set in the categories of RFC 4475: tortuous-but-valid messages that must parse, and
// invalid ones that must be rejected with a precise reason (and, where it differs from 400, the
// status to answer with). The messages are our own, written for each category.
#include <gtest/gtest.h>

#include "sip/message_parser.hpp"
#include "sip/serializer.hpp"
#include "sip_test_util.hpp"

namespace tandem::sip {
namespace {

using test::crlf;

// The headers every request needs, appended to start lines and extra headers below.
constexpr const char* kCore =
    "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkjshdyff\n"
    "From: <sip:caller@example.net>;tag=134161461246\n"
    "To: <sip:callee@example.com>\n"
    "Call-ID: 4asd7cV8Hu@host.example.com\n";

std::string request(const char* start_and_headers, const char* cseq) {
  return crlf(std::string(start_and_headers) + kCore + "CSeq: " + cseq + "\n\n");
}

struct Case {
  const char* name;
  std::string text;
  const char* error;  // nullptr when the message is valid; else a substring of the reason
  int status = 0;     // expected Error::status for invalid messages (0 = plain 400)
};

class Torture : public ::testing::TestWithParam<Case> {};

TEST_P(Torture, OutcomeMatchesTheCategory) {
  const Case& c = GetParam();
  auto m = parse_message(c.text);
  if (c.error == nullptr) {
    ASSERT_TRUE(m.ok()) << c.name << ": " << m.error().describe();
    // Valid messages survive a serialize/parse round trip.
    auto again = parse_message(serialize(*m), {}, Framing::kStream);
    ASSERT_TRUE(again.ok()) << c.name << ": " << again.error().describe();
    EXPECT_EQ(serialize(*again), serialize(*m)) << c.name;
  } else {
    ASSERT_FALSE(m.ok()) << c.name << " was accepted";
    EXPECT_NE(m.error().reason.find(c.error), std::string::npos)
        << c.name << ": got '" << m.error().describe() << "'";
    EXPECT_GT(m.error().line, 0u) << c.name;
    EXPECT_EQ(m.error().status, c.status) << c.name;
  }
}

std::string name_of(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

// --- valid but tortuous ------------------------------------------------------------------------

const Case kValid[] = {
    {"short_tortuous",
     crlf(
         "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\n"
         "TO :\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\n"
         "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\n  ;\n  tag = 98asjd8\n"
         "MaX-fOrWaRdS: 0068\n"
         "Call-ID: wsinv.ndaksdj@192.0.2.1\n"
         "Content-Length   : 150\n"
         "cseq: 0009\n  INVITE\n"
         "Via  : SIP  /   2.0\n /UDP\n    192.0.2.2;branch=390skdjuw\n"
         "s :\n"
         "NewFangledHeader:   newfangled value\n continued newfangled value\n"
         "UnknownHeaderWithUnusualValue: ;;,,;;,;\n"
         "Content-Type: application/sdp\n"
         "Route:\n <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\n"
         "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\n  branch  =   z9hG4bK9ikj8  ,\n"
         " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\n z9hG4bK30239\n"
         "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\n"
         "      newvalue ;\n  secondparam ; q = 0.33\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.3\n"
         "s=-\n"
         "c=IN IP4 192.0.2.4\n"
         "t=0 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n"),
     nullptr},
    {"every_token_character_in_method",
     request("!interesting-Method0123456789_*+`.%indeed'~ "
             "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/"
             ";;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"
             "@example.com SIP/2.0\n",
             "139122385 !interesting-Method0123456789_*+`.%indeed'~"),
     nullptr},
    {"escaped_characters_in_uris",
     request("INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\n"
             "Contact: <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>\n",
             "98176 INVITE"),
     nullptr},
    {"escaped_nulls_in_uris",
     crlf("REGISTER sip:example.com SIP/2.0\n"
          "To: sip:null-%00-null@example.com\n"
          "From: sip:null-%00-null@example.com;tag=839923423\n"
          "Max-Forwards: 70\n"
          "Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd\n"
          "CSeq: 14398234 REGISTER\n"
          "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\n"
          "Contact: <sip:%00@host5.example.com>\n"
          "Contact: <sip:%00%00@host5.example.com>\n"
          "L:0\n\n"),
     nullptr},
    {"no_space_between_display_name_and_bracket",
     crlf("OPTIONS sip:user@example.com SIP/2.0\n"
          "To: sip:user@example.com\n"
          "From: caller<sip:caller@example.com>;tag=323\n"
          "Max-Forwards: 70\n"
          "Call-ID: lwsdisp.1234abcd@funky.example.com\n"
          "CSeq: 60 OPTIONS\n"
          "Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw\n"
          "l: 0\n\n"),
     nullptr},
    {"long_values",
     request(("INVITE sip:user@example.com SIP/2.0\n"
              "X-Long: " +
              std::string(6000, 'a') +
              "\n"
              "Via: SIP/2.0/TCP sip33.example.com;branch=z9hG4bK" +
              std::string(400, 'b') +
              "\n"
              "Contact: \"" +
              std::string(800, 'c') + "\" <sip:user@host>\n")
                 .c_str(),
             "1 INVITE"),
     nullptr},
    {"two_requests_in_one_datagram",
     crlf("REGISTER sip:example.com SIP/2.0\n"
          "To: sip:j.user@example.com\nFrom: sip:j.user@example.com;tag=43251j3j324\n"
          "Max-Forwards: 8\nI: dblreq.0ha0isndaksdj99sdfafnl3lk233412\n"
          "Contact: sip:j.user@host.example.com\nCSeq: 8 REGISTER\n"
          "Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492\nContent-Length: 0\n\n"
          "INVITE sip:joe@example.com SIP/2.0\nt: sip:joe@example.com\n\n"),
     nullptr},
    {"semicolon_in_user_part",
     request("OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0\n", "8 OPTIONS"), nullptr},
    {"transports_known_and_unknown",
     crlf("OPTIONS sip:user@example.com SIP/2.0\n"
          "To: sip:user@example.com\nFrom: <sip:caller@example.com>;tag=323\nMax-Forwards: 70\n"
          "Call-ID: transports.kijh4akdnaqjkwendsasfdj\nAccept: application/sdp\n"
          "CSeq: 60 OPTIONS\n"
          "Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw\n"
          "Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf\n"
          "Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj\n"
          "Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en\n"
          "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK0a9idfnee\n"
          "Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee\n"
          "l: 0\n\n"),
     nullptr},
    {"multipart_body",
     crlf(
         "MESSAGE sip:kumiko@example.org SIP/2.0\n"
         "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport\n"
         "Max-Forwards: 70\nRoute: <sip:127.0.0.1:5080>\n"
         "Identity: "
         "r5mwreLuyDRYBi/0TiPwEsY3rEVsk/"
         "G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeXqkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZSDNGCzA+"
         "fWl9MEUHWIZo1CeJebdY/XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA=\n"
         "Contact: <sip:fluffy@127.0.0.1:5070>\n"
         "To: <sip:kumiko@example.org>\nFrom: <sip:fluffy@example.com>;tag=2fb0dcc9\n"
         "Call-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..\n"
         "CSeq: 1 MESSAGE\nContent-Transfer-Encoding: binary\n"
         "Content-Type: multipart/mixed;boundary=7a9cbec02ceef655\n"
         "Date: Sat, 15 Oct 2005 04:44:56 GMT\nUser-Agent: SIPimp.org/0.2.5 (curses)\n"
         "Content-Length: 112\n\n"
         "--7a9cbec02ceef655\nContent-Type: text/plain\nContent-Transfer-Encoding: binary\n\n"
         "Hello\n--7a9cbec02ceef655--\n"),
     nullptr},
    {"utf8_reason_phrase",
     crlf("SIP/2.0 200 = 2**3 * 5**2 \xd0\xbd\xd0\xbe \xd1\x81\xd1\x82\xd0\xbe\n"
          "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\n"
          "Call-ID: unreason.1234ksdfak3j2erwedfsASdf\nCSeq: 35 INVITE\n"
          "From: sip:user@example.com;tag=11141343\nTo: sip:user@example.edu;tag=2229\n"
          "Content-Length: 0\n\n"),
     nullptr},
    {"empty_reason_phrase",
     crlf("SIP/2.0 100 \nVia: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\n"
          "Call-ID: noreason.asndj203insdf99223ndf\nCSeq: 35 INVITE\n"
          "From: <sip:user@example.com>;tag=39ansfi3\nTo: <sip:user@example.edu>;tag=902jndnke3\n"
          "Content-Length: 0\n\n"),
     nullptr},
    {"every_compact_form",
     crlf("INVITE sip:bob@example.com SIP/2.0\nv: SIP/2.0/UDP h;branch=z9hG4bK1\n"
          "f: <sip:a@h>;tag=1\nt: <sip:bob@example.com>\ni: compact@h\nCSeq: 1 INVITE\n"
          "m: <sip:a@h>\nk: timer, 100rel\no: refer\nu: presence\nr: <sip:c@h>\nb: <sip:a@h>\n"
          "x: 1800;refresher=uac\ny: abc\ns: subject\ne: gzip\nc: text/plain\nl: 2\n\nhi"),
     nullptr},
    {"leading_zeros_in_integers",
     request("OPTIONS sip:user@example.com:005060 SIP/2.0\nMax-Forwards: 00070\nExpires: 0003600\n"
             "Content-Length: 000\n",
             "0000001 OPTIONS"),
     nullptr},
    {"unknown_request_uri_scheme",
     request("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0\n", "3923239 OPTIONS"),
     nullptr},
    {"novel_scheme_in_to",
     crlf("OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0\nTo: isbn:2983792873\n"
          "From: <http://www.example.com>;tag=3234233\nCall-ID: "
          "unksm2.daksdj@hyphenated-host.example.com\n"
          "CSeq: 234902 OPTIONS\nMax-Forwards: 70\n"
          "Via: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw\n"
          "Contact: <name:John_Smith>\nl: 0\n\n"),
     nullptr},
    {"rfc2543_request_without_branch",
     crlf("INVITE sip:UserB@example.com SIP/2.0\nVia: SIP/2.0/UDP iftgw.example.com\n"
          "From: <sip:+13035551111@ift.client.example.net;user=phone>\n"
          "Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>\n"
          "To: sip:+16505552222@ss1.example.net;user=phone\nCall-ID: "
          "inv2543.1717@ift.client.example.com\n"
          "CSeq: 56 INVITE\nContent-Length: 0\n\n"),
     nullptr},
    {"zero_max_forwards",
     request("OPTIONS sip:user@example.com SIP/2.0\nMax-Forwards: 0\n", "1 OPTIONS"), nullptr},
    {"contact_parameters_with_and_without_values",
     crlf("REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/UDP "
          "saturn.example.com:5060;branch=z9hG4bKkdjuw\n"
          "Max-Forwards: 70\nFrom: sip:watson@example.com;tag=DkfVgjkrtMwaerKKpe\n"
          "To: sip:watson@example.com\nCall-ID: cparam01.70710@saturn.example.com\nCSeq: 2 "
          "REGISTER\n"
          "Contact: sip:+19725552222@gw1.example.net;unknownparam\nl: 0\n\n"),
     nullptr},
    {"unknown_extension_required",
     request("OPTIONS sip:user@example.com SIP/2.0\nRequire: nothingSupportsThis, "
             "nothingSupportsThisEither\n"
             "Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis\n",
             "1 OPTIONS"),
     nullptr},
    {"case_insensitive_version_and_names",
     crlf("OPTIONS sip:user@example.com sip/2.0\nvIA: SIP/2.0/UDP h;BRANCH=z9hG4bK1\n"
          "FROM: <sip:a@h>;TAG=1\nto: <sip:user@example.com>\nCALL-id: x\ncSeQ: 1 OPTIONS\n\n"),
     nullptr},
    {"lf_only_line_endings",
     "OPTIONS sip:user@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"
     "From: <sip:a@h>;tag=1\nTo: <sip:user@example.com>\nCall-ID: x\nCSeq: 1 OPTIONS\n\n",
     nullptr},
    {"empty_header_value",
     request("OPTIONS sip:user@example.com SIP/2.0\nSubject:\nSupported:\n", "1 OPTIONS"), nullptr},
    {"ipv6_everywhere",
     crlf("REGISTER sip:[2001:db8::10] SIP/2.0\nTo: sip:user@[2001:db8::10]\n"
          "From: sip:user@example.com;tag=81x2\nVia: SIP/2.0/UDP "
          "[2001:db8::9:1]:5070;branch=z9hG4bKas3-111;received=[2001:db8::9:255]\n"
          "Call-ID: SSG9559905523997077@hlau_4100\nMax-Forwards: 70\n"
          "Contact: \"Caller\" <sip:caller@[2001:db8::1]:5060;transport=udp>\nCSeq: 98176 "
          "REGISTER\nl: 0\n\n"),
     nullptr},
    {"contact_wildcard_unregister",
     request("REGISTER sip:example.com SIP/2.0\nContact: *\nExpires: 0\n", "2 REGISTER"), nullptr},
    {"tel_uri_request",
     request("INVITE tel:+1-201-555-0123;phone-context=example.com SIP/2.0\n", "1 INVITE"),
     nullptr},
};

// --- invalid -----------------------------------------------------------------------------------

const Case kInvalid[] = {
    {"content_length_larger_than_body",
     request("INVITE sip:user@example.com SIP/2.0\nContent-Length: 9999\n", "1 INVITE"),
     "is larger than the"},
    {"negative_content_length",
     request("INVITE sip:user@example.com SIP/2.0\nContent-Length: -999\n", "1 INVITE"),
     "expected an integer"},
    {"non_numeric_content_length",
     request("INVITE sip:user@example.com SIP/2.0\nl: abc\n", "1 INVITE"), "expected an integer"},
    {"overlarge_cseq",
     request("OPTIONS sip:user@example.com SIP/2.0\n", "36893488147419103232 OPTIONS"),
     "CSeq number"},
    {"cseq_not_below_2_31", request("OPTIONS sip:user@example.com SIP/2.0\n", "2147483648 OPTIONS"),
     "CSeq number"},
    {"overlarge_max_forwards",
     request("OPTIONS sip:user@example.com SIP/2.0\nMax-Forwards: 300\n", "1 OPTIONS"),
     "bad Max-Forwards"},
    {"unterminated_quoted_display_name",
     crlf("INVITE sip:user@example.com SIP/2.0\nTo: \"Mr. J. User <sip:j.user@example.com>\n"
          "From: sip:caller@example.net;tag=93334\nMax-Forwards: 10\nCall-ID: quotbal.aksdj\n"
          "Contact: <sip:caller@host59.example.net>\nCSeq: 8 INVITE\n"
          "Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234\nl: 0\n\n"),
     "unterminated quoted display name"},
    {"request_uri_in_angle_brackets",
     request("INVITE <sip:user@example.com> SIP/2.0\n", "1 INVITE"), "bad Request-URI"},
    {"whitespace_inside_request_uri",
     request("INVITE sip:user@example.com; lr SIP/2.0\n", "1 INVITE"), "bad Request-URI"},
    {"multiple_spaces_in_start_line",
     request("INVITE  sip:user@example.com  SIP/2.0\n", "1 INVITE"), "extra space"},
    {"trailing_space_after_version",
     request("OPTIONS sip:user@example.com SIP/2.0 \n", "1 OPTIONS"), "without extra spaces"},
    {"whitespace_inside_angle_brackets",
     crlf("OPTIONS sip:user@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"
          "To: \"Watson, Thomas\" < sip:t.watson@example.org >\nFrom: <sip:a@h>;tag=1\n"
          "Call-ID: x\nCSeq: 1 OPTIONS\n\n"),
     "bad To header"},
    {"unquoted_display_name_with_comma",
     crlf("OPTIONS sip:t.watson@example.org SIP/2.0\nVia: SIP/2.0/UDP "
          "c.example.com:5060;branch=z9hG4bKkdjuw\n"
          "Max-Forwards: 70\nFrom: Bell, Alexander <sip:a.g.bell@example.com>;tag=43\n"
          "To: Watson, Thomas <sip:t.watson@example.org>\nCall-ID: baddn.31415@c.example.com\n"
          "CSeq: 3923239 OPTIONS\nl: 0\n\n"),
     "must be quoted"},
    {"unsupported_version", request("OPTIONS sip:t.watson@example.org SIP/7.0\n", "1 OPTIONS"),
     "unsupported SIP version", 505},
    {"malformed_version", request("OPTIONS sip:t.watson@example.org SIP/2\n", "1 OPTIONS"),
     "malformed SIP version"},
    {"cseq_method_mismatch", request("OPTIONS sip:user@example.com SIP/2.0\n", "1 INVITE"),
     "does not match request method"},
    {"unknown_method_cseq_mismatch",
     request("NEWMETHOD sip:user@example.com SIP/2.0\n", "1 INVITE"), "does not match"},
    {"overlarge_status_code",
     crlf("SIP/2.0 4294967301 better not break the receiver\nVia: SIP/2.0/UDP "
          "192.0.2.105;branch=z9hG4bK2398ndaoe\n"
          "Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3\nCSeq: 3 OPTIONS\n"
          "From: <sip:user@example.com>;tag=39ansfi3\nTo: <sip:user@example.edu>;tag=902jndnke3\n"
          "Content-Length: 0\n\n"),
     "status code"},
    {"status_code_out_of_range",
     crlf("SIP/2.0 700 Bad\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nCall-ID: c\nCSeq: 3 OPTIONS\n"
          "From: <sip:a@h>;tag=1\nTo: <sip:b@h>\n\n"),
     "status code"},
    {"missing_call_id_from_to",
     crlf("OPTIONS sip:user@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nCSeq: 1 "
          "OPTIONS\n\n"),
     "missing From header"},
    {"missing_via",
     crlf("OPTIONS sip:user@example.com SIP/2.0\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\n"
          "Call-ID: c\nCSeq: 1 OPTIONS\n\n"),
     "missing Via header"},
    {"duplicate_single_headers",
     request("OPTIONS sip:user@example.com SIP/2.0\nFrom: <sip:other@h>;tag=2\n", "1 OPTIONS"),
     "From header appears more than once"},
    {"multiple_content_lengths",
     request("OPTIONS sip:user@example.com SIP/2.0\nContent-Length: 0\nl: 0\n", "1 OPTIONS"),
     "Content-Length header appears more than once"},
    {"headers_not_terminated",
     crlf("OPTIONS sip:user@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"),
     "not ended by an empty line"},
    {"header_without_colon",
     request("OPTIONS sip:user@example.com SIP/2.0\nThisIsNotAHeader\n", "1 OPTIONS"), "no ':'"},
    {"header_name_with_space",
     request("OPTIONS sip:user@example.com SIP/2.0\nBad Name: x\n", "1 OPTIONS"),
     "header name must be a token"},
    {"continuation_before_any_header", crlf("OPTIONS sip:user@example.com SIP/2.0\n folded: x\n\n"),
     "continuation line"},
    {"via_without_transport",
     crlf("OPTIONS sip:user@example.com SIP/2.0\nVia: SIP/2.0 h;branch=z9hG4bK1\nFrom: "
          "<sip:a@h>;tag=1\n"
          "To: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n"),
     "bad Via header"},
    {"call_id_with_space",
     crlf("OPTIONS sip:user@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: "
          "<sip:a@h>;tag=1\n"
          "To: <sip:b@h>\nCall-ID: a b\nCSeq: 1 OPTIONS\n\n"),
     "bad Call-ID"},
    {"cseq_not_a_number", request("OPTIONS sip:user@example.com SIP/2.0\n", "one OPTIONS"),
     "CSeq number"},
    {"empty_message", "", "no start line"},
    {"only_line_endings", "\r\n\r\n", "no start line"},
    {"nul_in_header_name",
     crlf(std::string("OPTIONS sip:user@example.com SIP/2.0\nX-\0Bad: 1\n", 47) + kCore +
          "CSeq: 1 OPTIONS\n\n"),
     "header name must be a token"},
    {"wildcard_with_other_contacts",
     request("REGISTER sip:example.com SIP/2.0\nContact: *, <sip:a@h>\n", "1 REGISTER"),
     "'*' must be the only contact"},
    {"bad_contact_uri",
     request("REGISTER sip:example.com SIP/2.0\nContact: <sip:user@host:port>\n", "1 REGISTER"),
     "bad Contact header"},
};

INSTANTIATE_TEST_SUITE_P(Valid, Torture, ::testing::ValuesIn(kValid), name_of);
INSTANTIATE_TEST_SUITE_P(Invalid, Torture, ::testing::ValuesIn(kInvalid), name_of);

TEST(TortureDetails, ShortTortuousMessageFieldsAreUnderstood) {
  auto m = parse_message(kValid[0].text);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->to()->tag(), "1918181833n");
  EXPECT_EQ(m->from()->display_name, "J Rosenberg \\\"");
  EXPECT_EQ(m->from()->tag(), "98asjd8");
  EXPECT_EQ(*m->max_forwards(), 68u);
  EXPECT_EQ(m->cseq()->number, 9u);
  auto vias = m->vias();
  ASSERT_TRUE(vias.ok()) << vias.error().describe();
  ASSERT_EQ(vias->size(), 3u);
  EXPECT_EQ((*vias)[1].branch(), "z9hG4bK9ikj8");
  EXPECT_EQ((*vias)[2].branch(), "z9hG4bK30239");
  auto contacts = m->contacts();
  ASSERT_TRUE(contacts.ok()) << contacts.error().describe();
  EXPECT_EQ(contacts->contacts[0].display_name, "Quoted string \"\"");
  EXPECT_EQ(contacts->contacts[0].params.value("newparam"), "newvalue");
  EXPECT_EQ(m->body().size(), 150u);
}

TEST(TortureDetails, SecondRequestInADatagramIsDiscarded) {
  auto m = parse_message(kValid[6].text);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->method(), "REGISTER");
  EXPECT_TRUE(m->body().empty());
}

TEST(TortureDetails, EscapedUriUserIsPreservedAndComparable) {
  auto m = parse_message(kValid[2].text);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->request_uri().user, "sips%3Auser%40example.com");
  auto contact = m->contacts()->contacts.at(0);
  auto plain = parse_uri("sip:caller@host5.example.net;lr;name=value%25%34%31");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(equivalent(contact.uri, *plain));
}

}  // namespace
}  // namespace tandem::sip
