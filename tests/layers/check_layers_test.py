#!/usr/bin/python3
"""Self-test of check_layers.py: it passes a tree that keeps its rules and
fails, naming file, line, include and rule, on trees that break each kind of
rule. Every tree is synthetic, written to a temporary directory."""

import contextlib
import io
import os
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_layers  # noqa: E402

RULES = """\
# comment
memwatch:
checks: memwatch
net: memwatch
notify: memwatch checks net/http_client.h
poller: memwatch
app: memwatch checks net notify poller
nolink memwatch_core memwatch_notify: CURL::libcurl
"""

# A tree that keeps RULES.
FILES = {
    "include/memwatch/snapshot.h": "#pragma once\n#include <string>\n",
    "src/types/snapshot.cc": '#include "memwatch/snapshot.h"\n',
    "src/checks/check.h": '#pragma once\n#include "memwatch/snapshot.h"\n',
    "src/checks/check.cc": '#include "checks/check.h"\n',
    "src/net/http_client.h": "#pragma once\n",
    "src/net/curl_http_client.h": '#pragma once\n#include "net/http_client.h"\n',
    "src/notify/slack.cc": '#include "checks/check.h"\n#include "net/http_client.h"\n',
    "src/poller/poller.cc": '#include <hiredis/read.h>\n#include "memwatch/snapshot.h"\n',
    "src/app/main.cc": '#include "notify/slack.h"\n#include "poller/poller.h"\n',
    "src/CMakeLists.txt": "# not a module\n",
}

# target, module directory, type, linked libraries
LINKS = [
    ("memwatch_types", "types", "STATIC_LIBRARY", ""),
    ("memwatch_checks", "checks", "STATIC_LIBRARY", "memwatch_types;fmt::fmt"),
    ("memwatch_core", "checks", "INTERFACE_LIBRARY", "memwatch_checks"),
    ("memwatch_net_api", "net", "STATIC_LIBRARY", "memwatch_types"),
    ("memwatch_net", "net", "STATIC_LIBRARY", "memwatch_net_api;CURL::libcurl"),
    ("memwatch_notify", "notify", "STATIC_LIBRARY", "memwatch_core;memwatch_net_api"),
    ("memwatch_poller", "poller", "STATIC_LIBRARY", "memwatch_types;PkgConfig::HIREDIS"),
    ("memwatch_app_lib", "app", "STATIC_LIBRARY",
     "memwatch_core;memwatch_notify;memwatch_net;memwatch_poller;memwatch_warnings"),
    ("redis-memwatch", "app", "EXECUTABLE", "memwatch_app_lib"),
]


class CheckLayersTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        self.write("src/layers.txt", RULES)
        for path, text in FILES.items():
            self.write(path, text)
        self.links = [list(row) for row in LINKS]

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, path, text):
        full = os.path.join(self.root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)

    def run_checker(self):
        graph = os.path.join(self.root, "link_graph.tsv")
        with open(graph, "w", encoding="utf-8") as f:
            for row in self.links:
                f.write("\t".join(row) + "\n")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = check_layers.main(["--root", self.root, "--links", graph])
        return code, out.getvalue()

    def assert_fails_with(self, *needles):
        code, out = self.run_checker()
        self.assertEqual(code, 1, out)
        for needle in needles:
            self.assertIn(needle, out)
        return out

    def test_a_tree_that_keeps_the_rules_passes_silently(self):
        self.assertEqual(self.run_checker(), (0, ""))

    def test_a_check_including_app_names_file_line_include_and_rule(self):
        self.write("src/checks/bad.cc", '#include "checks/check.h"\n\n#include "app/daemon.h"\n')
        out = self.assert_fails_with(
            'src/checks/bad.cc:3: #include "app/daemon.h": checks may not include app; '
            "rule src/layers.txt:3 is 'checks: memwatch'")
        self.assertEqual(out.count("may not include"), 1, out)

    def test_the_poller_including_checks_fails(self):
        self.write("src/poller/poller.h", '#pragma once\n#include "checks/check.h"\n')
        self.assert_fails_with('src/poller/poller.h:2: #include "checks/check.h": '
                               "poller may not include checks")

    def test_a_header_entry_allows_that_header_only(self):
        self.write("src/notify/curl.cc", '#include "net/curl_http_client.h"\n')
        self.assert_fails_with('src/notify/curl.cc:1: #include "net/curl_http_client.h": '
                               "notify may not include net; rule src/layers.txt:5 is "
                               "'notify: checks memwatch net/http_client.h'")

    def test_shared_types_may_include_nothing_of_the_modules(self):
        self.write("include/memwatch/finding.h", '#pragma once\n#include "checks/check.h"\n')
        self.write("src/types/finding.cc", '#include "net/http_client.h"\n')
        self.assert_fails_with(
            'include/memwatch/finding.h:2: #include "checks/check.h": memwatch may not include',
            'src/types/finding.cc:1: #include "net/http_client.h": memwatch may not include')

    def test_an_include_of_no_module_fails(self):
        self.write("src/checks/x.cc", '#include "spdlog/spdlog.h"\n#include "check.h"\n')
        self.assert_fails_with('src/checks/x.cc:1: #include "spdlog/spdlog.h": not a header of a module',
                               'src/checks/x.cc:2: #include "check.h": not a header of a module')

    def test_a_module_without_a_rule_fails(self):
        self.write("src/metrics/store.cc", '#include "checks/check.h"\n')
        self.write("include/extra/api.h", "#pragma once\n")
        self.assert_fails_with("module metrics has no rule", "module extra has no rule")

    def test_stale_rules_fail(self):
        self.write("src/layers.txt", RULES.replace("net/http_client.h", "net/gone.h")
                   + "doctor: memwatch\n")
        self.assert_fails_with("notify allows net/gone.h, which does not exist",
                               "rule for doctor, which is no module")

    def test_rules_that_form_a_cycle_fail(self):
        self.write("src/layers.txt", RULES.replace("checks: memwatch", "checks: memwatch notify"))
        self.assert_fails_with("the rules form a cycle: checks -> notify -> checks")

    def test_a_link_the_rules_do_not_allow_fails(self):
        self.links[6][3] = "memwatch_types;memwatch_checks;PkgConfig::HIREDIS"
        self.assert_fails_with("memwatch_poller (src/poller) links memwatch_checks (module checks): "
                               "rule src/layers.txt:6 is 'poller: memwatch'")

    def test_a_bundle_is_judged_by_what_it_bundles(self):
        # poller links memwatch_core, an INTERFACE bundle of checks.
        self.links[6][3] = "memwatch_core"
        self.assert_fails_with("memwatch_poller (src/poller) links memwatch_checks (module checks)")

    def test_a_banned_library_reached_through_other_targets_fails(self):
        self.links[1][3] = "memwatch_types;memwatch_net"  # checks -> net -> curl
        self.assert_fails_with(
            "memwatch_core links CURL::libcurl (via memwatch_core -> memwatch_checks -> "
            "memwatch_net -> CURL::libcurl): banned by src/layers.txt:8")

    def test_a_ban_on_an_unknown_target_fails(self):
        self.write("src/layers.txt", RULES + "nolink memwatch_gone: CURL::libcurl\n")
        self.assert_fails_with("nolink names memwatch_gone")


if __name__ == "__main__":
    unittest.main(verbosity=2)
