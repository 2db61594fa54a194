// Documents printed by `kubectl kustomize` (kubectl v1.32, kustomize
// v5.5.0) for small probe kustomizations (`resources: [r.yaml]`), kept
// inline: EmitYaml(ParseOne(input)) must give kubectl's bytes.
#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

// Probe with every kind of scalar, tags, flow collections, anchors and merge keys.
TEST(KubectlProbeTest, ScalarsTagsMergeKeys) {
  const char* input = R"yaml(apiVersion: x.io/v1
kind: Probe
metadata:
  name: probe
  labels: {}
spec:
  vals:
      empty:
      tilde: ~
      nullw: null
      Nullw: Null
      yes1: yes
      no1: no
      on1: on
      off1: off
      y1: y
      n1: n
      yq: "yes"
      ys: 'yes'
      q1: "1"
      s1: '1'
      tagstr: !!str 1
      tagint: !!int "1"
      custom: !foo bar
      tru: True
      float1: 1.0
      float2: 1e3
      float3: .5
      hex: 0x10
      oct: 017
      eight: 08
      under: 1_000
      date: 2024-01-02
      dateq: "2024-01-02"
      ts: 2001-12-14t21:59:43.10-05:00
      flowseq: [a, b, "c"]
      flowmap: {a: 1, b: two}
      emptyseq: []
      emptymap: {}
      trailing: "abc   "
      tabbed: "a\tb"
      multitrail: "line1  \nline2\n"
      multitab: "line1\n\tline2\n"
      unicode: "héllo wörld"
      emoji: "smile 😀"
      nbsp: "a\u00a0b"
      colon: "a: b"
      hash: "a #b"
      star: "*star"
      dash: "- x"
      leadsp: " lead"
      folded: >
        folded text
        more text

        para
      lit: |
        keep
          indent
      litkeep: |+
        keep

      litlead: "  leading\nsecond\n"
      "on": key-on
      "1": key-1
      "": empty-key
      "a:b": colonkey
      longflow: [aaaaaaaaaa, bbbbbbbbbbbbbb, cccccccccccccccc, dddddddddddddddd, eeeeeeeeeeeeeeeeee, ffffffffffffffff, gggggggggggg]
      tabplain: "x	y"
  merge:
    base: &base {x: 1, y: 2, z: 3}
    other: &other {w: 0, y: 20}
    m1:
      a: 0
      <<: *base
      y: 9
    m2:
      <<: [*other, *base]
      q: 1
data:
  k: v
)yaml";
  const char* expected = R"yaml(apiVersion: x.io/v1
data:
  k: v
kind: Probe
metadata:
  labels: {}
  name: probe
spec:
  merge:
    base:
      x: 1
      "y": 2
      z: 3
    m1:
      a: 0
      x: 1
      "y": 9
      z: 3
    m2:
      q: 1
      w: 0
      x: 1
      "y": 20
      z: 3
    other:
      w: 0
      "y": 20
  vals:
    "": empty-key
    "1": key-1
    Nullw: null
    a:b: colonkey
    colon: 'a: b'
    custom: bar
    dash: '- x'
    date: "2024-01-02T00:00:00Z"
    dateq: "2024-01-02"
    eight: 8
    emoji: "smile \U0001F600"
    empty: null
    emptymap: {}
    emptyseq: []
    float1: 1
    float2: 1000
    float3: 0.5
    flowmap:
      a: 1
      b: two
    flowseq:
    - a
    - b
    - c
    folded: |
      folded text more text
      para
    hash: 'a #b'
    hex: 16
    leadsp: ' lead'
    lit: |
      keep
        indent
    litkeep: |+
      keep

    litlead: |2
        leading
      second
    longflow:
    - aaaaaaaaaa
    - bbbbbbbbbbbbbb
    - cccccccccccccccc
    - dddddddddddddddd
    - eeeeeeeeeeeeeeeeee
    - ffffffffffffffff
    - gggggggggggg
    multitab: "line1\n\tline2\n"
    multitrail: "line1  \nline2\n"
    n1: "n"
    nbsp: a b
    no1: "no"
    nullw: null
    oct: 15
    off1: "off"
    "on": key-on
    on1: "on"
    q1: "1"
    s1: "1"
    star: '*star'
    tabbed: "a\tb"
    tabplain: "x\ty"
    tagint: 1
    tagstr: "1"
    tilde: null
    trailing: 'abc   '
    tru: true
    ts: "2001-12-14T21:59:43.1-05:00"
    under: 1000
    unicode: héllo wörld
    y1: "y"
    yes1: "yes"
    yq: "yes"
    ys: "yes"
)yaml";
  EXPECT_EQ(EmitYamlStream(ParseAll(input, "probe")), expected);
}

// Key order (go-yaml v2 natural sort), number re-printing, timestamps, folding at column 80, long keys.
TEST(KubectlProbeTest, KeyOrderNumbersFolding) {
  const char* input = R"yaml(apiVersion: x.io/v1
kind: Probe
metadata:
  name: probe2
spec:
  item10: a
  item9: b
  item_a: c
  itemA: d
  Item: e
  a-b: f
  ab: g
  a.b: h
  a0: i
  a00: j
  a01: k
  a1: l
  "10": m
  "9": n
  z1.5: o
  zé: p
  zz: 1234567.5
  zf: 0.000001
  zg: 1e-7
  zh: 1e21
  zi: 1e20
  zj: 12345678901234567890
  zk: 123456789012345678901234
  zl: -0.0
  zm: 3.14159265358979
  zn: 1:20
  zo: "1:20"
  zp: 0b101
  zq: 0o17
  zr: +12
  zs: -0x1F
  zt: 2001-12-14 21:59:43.10
  zu: 2001-12-14T21:59:43+00:00
  zv: "  spaced  "
  zw: "tab\there"
  zx: "null"
  zy: "~"
  zz1: "-"
  zz2: "- "
  zz3: "@at"
  zz4: "%pct"
  zz5: "a'b"
  zz6: "x\u0001y"
  zz7: "\ttab first"
  zz8: "multi\nline   "
  zz9: "ÿ"
  longkey_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: v
  ml: "first line is long enough to be folded maybe not because literal blocks are never folded at all by go yaml\nsecond\n"
  longsingle: "it's a long string with a quote that goes on and on past the eighty column limit for sure yes"
  longdouble: "tab\tand a long string that goes on and on past the eighty column limit for sure yes yes"
  list:
  - "a long sequence item that goes on and on past the eighty column limit for sure yes yes yes"
  - - nested
    - seq
  - {}
  - []
  - k: v
    k2: [1, 2]
)yaml";
  const char* expected = R"yaml(apiVersion: x.io/v1
kind: Probe
metadata:
  name: probe2
spec:
  "9": "n"
  "10": m
  Item: e
  a-b: f
  a.b: h
  a0: i
  a00: j
  a1: l
  a01: k
  ab: g
  item_a: c
  item9: b
  item10: a
  itemA: d
  list:
  - a long sequence item that goes on and on past the eighty column limit for sure
    yes yes yes
  - - nested
    - seq
  - {}
  - []
  - k: v
    k2:
    - 1
    - 2
  longdouble: "tab\tand a long string that goes on and on past the eighty column limit
    for sure yes yes"
  ? longkey_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  : v
  longsingle: it's a long string with a quote that goes on and on past the eighty
    column limit for sure yes
  ml: |
    first line is long enough to be folded maybe not because literal blocks are never folded at all by go yaml
    second
  z1.5: o
  zf: 1e-06
  zg: 1e-07
  zh: 1e+21
  zi: 1e+20
  zj: 12345678901234567890
  zk: 1.2345678901234569e+23
  zl: 0
  zm: 3.14159265358979
  zn: "1:20"
  zo: "1:20"
  zp: 5
  zq: 15
  zr: 12
  zs: -31
  zt: "2001-12-14T21:59:43.1Z"
  zu: "2001-12-14T21:59:43Z"
  zv: '  spaced  '
  zw: "tab\there"
  zx: "null"
  zy: "~"
  zz: 1.2345675e+06
  zz1: '-'
  zz2: '- '
  zz3: '@at'
  zz4: '%pct'
  zz5: a'b
  zz6: "x\x01y"
  zz7: "\ttab first"
  zz8: "multi\nline   "
  zz9: ÿ
  zé: p
)yaml";
  EXPECT_EQ(EmitYamlStream(ParseAll(input, "probe")), expected);
}

// Strings that need quoting or block style, read from a JSON resource.
TEST(KubectlProbeTest, StringQuotingFromJson) {
  const char* input = R"yaml({"apiVersion": "x.io/v1", "kind": "Probe", "metadata": {"name": "probe3"}, "spec": {"vals": {"lead_lit": "  leading\nsecond\n", "keep_end": "text\n\n", "only_nl": "\n", "two_nl": "\n\n", "crlf": "a\r\nb", "ls": "a b", "nel": "ab", "dashes": "---", "dots": "...", "dashes_x": "--- x", "empty": "", "spaces": "   ", "hashy": "#comment", "qmark": "? x", "colon_sp": ": x", "dash_a": "-a", "dash": "-", "nl_end": "abc\n", "bang": "!important", "amp": "&anchor", "pipe": "|x", "gt": ">x", "pct": "50%", "brace": "{x}", "comma": "a,b", "colon_end": "a:", "url": "http://example.com:8080/path?x=1#frag", "winpath": "C:\\Users\\x", "quote_dq": "say \"hi\"", "bs": "back\\slash", "uni_long": "üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü", "uni_words": "wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd", "emoji_key_val": "😀 smile", "float_str": "1.5", "int_str": "0x1F", "octal_str": "0o17", "exp_str": "1e3", "inf_str": ".inf", "true_str": "True", "null_str": "Null", "date_str": "2024-1-2", "yes_upper": "YES", "base60": "190:20:30", "dotnum": ".5", "plus": "+", "trailing_tab": "x\t", "long_no_space": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "long_one_space_late": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b", "multi_long": "word word word word word word word word word word word word word word word word word word word word word word word word word\nmore more more more more more more more more more more more more more more more more more more more more more more more more", "spaces_in_multi": "a  \n  b", "nbsp_lead": " x", "bom": "﻿x", "zero_width": "a​b", "private_use": "ab", "cjk": "日本語のテキスト"}, "seq": ["  leading\nsecond\n", "text\n\n", "\n", "\n\n", "a\r\nb", "a b", "ab", "---", "...", "--- x", "", "   "], "": "emptykey", "a b": "spacekey", "😀": "emojikey", "k:v": "x", "-": "dashkey", "? q": 1}})yaml";
  const char* expected = R"yaml(apiVersion: x.io/v1
kind: Probe
metadata:
  name: probe3
spec:
  "": emptykey
  '-': dashkey
  '? q': 1
  "\U0001F600": emojikey
  a b: spacekey
  k:v: x
  seq:
  - |2
      leading
    second
  - |+
    text

  - |2+

  - |2+


  - "a\r\nb"
  - 'a     b'
  - a b
  - '---'
  - '...'
  - '--- x'
  - ""
  - '   '
  vals:
    amp: '&anchor'
    bang: '!important'
    base60: "190:20:30"
    bom: "\uFEFF\x78"
    brace: '{x}'
    bs: back\slash
    cjk: 日本語のテキスト
    colon_end: 'a:'
    colon_sp: ': x'
    comma: a,b
    crlf: "a\r\nb"
    dash: '-'
    dash_a: -a
    dashes: '---'
    dashes_x: '--- x'
    date_str: "2024-1-2"
    dotnum: ".5"
    dots: '...'
    emoji_key_val: "\U0001F600 smile"
    empty: ""
    exp_str: "1e3"
    float_str: "1.5"
    gt: '>x'
    hashy: '#comment'
    inf_str: ".inf"
    int_str: "0x1F"
    keep_end: |+
      text

    lead_lit: |2
        leading
      second
    long_no_space: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    long_one_space_late: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
      b
    ls: 'a       b'
    multi_long: |-
      word word word word word word word word word word word word word word word word word word word word word word word word word
      more more more more more more more more more more more more more more more more more more more more more more more more more
    nbsp_lead:  x
    nel: a b
    nl_end: |
      abc
    null_str: "Null"
    octal_str: "0o17"
    only_nl: |2+

    pct: 50%
    pipe: '|x'
    plus: +
    private_use: ab
    qmark: '? x'
    quote_dq: say "hi"
    spaces: '   '
    spaces_in_multi: "a  \n  b"
    trailing_tab: "x\t"
    true_str: "True"
    two_nl: |2+


    uni_long: üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü
    uni_words: wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd
      wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd wörd
    url: http://example.com:8080/path?x=1#frag
    winpath: C:\Users\x
    yes_upper: "YES"
    zero_width: a​b
)yaml";
  EXPECT_EQ(EmitYamlStream(ParseAll(input, "probe")), expected);
}

}  // namespace
}  // namespace capstan::yaml
