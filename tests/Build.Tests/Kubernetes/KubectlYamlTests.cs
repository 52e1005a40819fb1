using System.Text.Json.Nodes;
using Build.Kubernetes;
using Xunit;

namespace Build.Tests.Kubernetes;

/// <summary>
/// Expected values are kubectl's own: recorded with kubectl v1.32.4 (<c>kubectl annotate --local -o json -f FILE x=y</c>,
/// which parses a file as <c>apply -f</c> does, without a cluster) on a file holding <c>v: VALUE</c> or <c>VALUE: v</c>.
/// Numbers compare by value: Go prints 1e+21 where .NET prints 1E+21. kubectl's printout passes numbers above
/// int64 through float64; YAMLToJSON itself, and so this reader, writes them exactly (uint64).
/// </summary>
public sealed class KubectlYamlTests
{
    [Theory]
    [InlineData("yes", "true")]
    [InlineData("Yes", "true")]
    [InlineData("YES", "true")]
    [InlineData("y", "true")]
    [InlineData("Y", "true")]
    [InlineData("on", "true")]
    [InlineData("ON", "true")]
    [InlineData("True", "true")]
    [InlineData("no", "false")]
    [InlineData("n", "false")]
    [InlineData("N", "false")]
    [InlineData("off", "false")]
    [InlineData("Off", "false")]
    [InlineData("FALSE", "false")]
    [InlineData("yEs", "\"yEs\"")]
    [InlineData("oN", "\"oN\"")]
    [InlineData("tRUE", "\"tRUE\"")]
    public void Yaml_1_1_booleans_are_the_words_go_yaml_v2_knows(string yaml, string json) => AssertValue(json, yaml);

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("Null")]
    [InlineData("NULL")]
    [InlineData("")]
    public void Null_words_and_nothing_are_null(string yaml) => Assert.Null(Value(yaml));

    [Theory]
    [InlineData("0644", "420")]
    [InlineData("0400", "256")]
    [InlineData("0o644", "420")]
    [InlineData("0O644", "420")]
    [InlineData("010", "8")]
    [InlineData("0x1F", "31")]
    [InlineData("0X1f", "31")]
    [InlineData("-0x1F", "-31")]
    [InlineData("+0x1F", "31")]
    [InlineData("0b101", "5")]
    [InlineData("-0b101", "-5")]
    [InlineData("0b-101", "-5")]
    [InlineData("1_000", "1000")]
    [InlineData("0x_1F", "31")]
    [InlineData("-0", "0")]
    [InlineData("+12", "12")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("9223372036854775808", "9223372036854775808")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("0xFFFFFFFFFFFFFFFF", "18446744073709551615")]
    public void Integers_are_read_as_go_parses_them_with_base_prefixes_and_octal_leading_zeros(string yaml, string json) =>
        AssertValue(json, yaml);

    [Theory]
    [InlineData("08", "8")]
    [InlineData("09", "9")]
    [InlineData("1.", "1")]
    [InlineData("1.10", "1.1")]
    [InlineData(".5", "0.5")]
    [InlineData("-.5", "-0.5")]
    [InlineData("1e3", "1000")]
    [InlineData("1E3", "1000")]
    [InlineData("1.5e3", "1500")]
    [InlineData("1e-3", "0.001")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1_0.5", "10.5")]
    [InlineData("1e-400", "0")]
    [InlineData("-9223372036854775809", "-9223372036854775809")]
    [InlineData("18446744073709551616", "18446744073709551616")]
    [InlineData("123456789012345678901234567890", "1.2345678901234568e+29")]
    public void Other_numbers_are_floats(string yaml, string json) => AssertValue(json, yaml);

    [Theory]
    [InlineData("2001-12-14")]
    [InlineData("2001-12-14t21:59:43.10-05:00")]
    [InlineData("2001-12-14T21:59:43Z")]
    [InlineData("190:20:30")]
    [InlineData("0o8")]
    [InlineData("0x")]
    [InlineData("0b102")]
    [InlineData("0x1p3")]
    [InlineData("0x10000000000000000")]
    [InlineData("1e400")]
    [InlineData("_1000")]
    [InlineData("1e")]
    [InlineData(".")]
    [InlineData(".iNf")]
    [InlineData("nan")]
    [InlineData("infinity")]
    [InlineData("1.2.3")]
    [InlineData("v1")]
    [InlineData("<<")]
    public void Timestamps_sexagesimals_and_near_numbers_stay_text(string yaml) => AssertValue(JsonValue.Create(yaml).ToJsonString(), yaml);

    [Theory]
    [InlineData("'yes'", "\"yes\"")]
    [InlineData("\"0644\"", "\"0644\"")]
    [InlineData("'~'", "\"~\"")]
    [InlineData("''", "\"\"")]
    [InlineData("|\n  0644", "\"0644\\n\"")]
    public void Quoted_and_block_scalars_stay_text(string yaml, string json) => AssertValue(json, yaml);

    [Theory]
    [InlineData("!!str 0644", "\"0644\"")]
    [InlineData("!!str yes", "\"yes\"")]
    [InlineData("!!int \"0644\"", "420")]
    [InlineData("!!int '0x10'", "16")]
    [InlineData("!!float 1", "1")]
    [InlineData("!!float \"1.5\"", "1.5")]
    [InlineData("!!bool \"on\"", "true")]
    [InlineData("!!null \"\"", "null")]
    [InlineData("!foo bar", "\"bar\"")]
    [InlineData("! 12", "\"12\"")]
    [InlineData("!!binary aGVsbG8=", "\"hello\"")]
    [InlineData("!!timestamp 2001-01-01", "\"2001-01-01\"")]
    public void Explicit_tags_type_the_text_as_go_yaml_v2_does(string yaml, string json) => AssertValue(json, yaml);

    [Theory]
    [InlineData("yes", "true")]
    [InlineData("off", "false")]
    [InlineData("0644", "420")]
    [InlineData("0x10", "16")]
    [InlineData("1.10", "1.1")]
    [InlineData("1e3", "1000")]
    [InlineData("1e20", "1e+20")]
    [InlineData("0.00001", "1e-05")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("1234567.0", "1.234567e+06")]
    [InlineData("123456789012345678901234567890", "1.2345679e+29")]
    [InlineData("-9223372036854775809", "-9.223372e+18")]
    [InlineData("3.5e38", ".inf")]
    [InlineData(".NaN", ".nan")]
    [InlineData("-.Inf", "-.inf")]
    [InlineData("2001-12-14", "2001-12-14")]
    [InlineData("'yes'", "yes")]
    public void Keys_become_the_field_names_sigs_k8s_io_yaml_makes_of_them(string yaml, string name)
    {
        var value = Single($"d:\n  {yaml}: v\n")["d"]!.AsObject();

        Assert.Equal([name], value.Select(field => field.Key));
    }

    [Fact]
    public void A_repeated_key_keeps_its_last_value()
    {
        var value = Single("data: {a: \"1\", b: \"2\", a: \"3\"}\n");

        AssertJson("""{"data":{"a":"3","b":"2"}}""", value);
    }

    [Fact]
    public void Keys_that_read_as_the_same_word_are_repeated_keys()
    {
        var value = Single("d: {on: 1, yes: 2}\n");

        AssertJson("""{"d":{"true":2}}""", value);
    }

    [Fact]
    public void An_alias_copies_the_anchored_value()
    {
        var value = Single("base: &base {image: bot, ports: [80]}\ncopy: *base\n");

        AssertJson("""{"base":{"image":"bot","ports":[80]},"copy":{"image":"bot","ports":[80]}}""", value);
    }

    [Fact]
    public void A_merge_key_copies_the_fields_of_the_anchored_mapping_and_later_keys_override_them()
    {
        var value = Single("base: &base {p: base, q: base}\nm: {<<: *base, p: mine}\n");

        AssertJson("""{"p":"mine","q":"base"}""", value["m"]);
    }

    [Fact]
    public void A_merge_key_overrides_the_keys_before_it_as_go_yaml_v2_does()
    {
        // Recorded with kubectl v1.32.4: go-yaml v2 decodes the merged mapping into the map where << stands.
        var value = Single("base: &base {p: base, q: base}\nm: {p: mine, <<: *base}\n");

        AssertJson("""{"p":"base","q":"base"}""", value["m"]);
    }

    [Fact]
    public void Of_a_sequence_of_merged_mappings_the_earlier_ones_win()
    {
        var value = Single("a: &a {p: a, q: a}\nb: &b {p: b, r: b}\nm: {s: mine, <<: [*a, *b], q: mine}\n");

        AssertJson("""{"s":"mine","p":"a","q":"mine","r":"b"}""", value["m"]);
    }

    [Fact]
    public void A_merge_key_takes_an_inline_mapping()
    {
        var value = Single("m: {<<: {p: inline}, q: mine}\n");

        AssertJson("""{"p":"inline","q":"mine"}""", value["m"]);
    }

    [Fact]
    public void A_quoted_merge_key_is_an_ordinary_key()
    {
        var value = Single("base: &base {p: base}\nm: {\"<<\": *base}\n");

        AssertJson("""{"<<":{"p":"base"}}""", value["m"]);
    }

    [Fact]
    public void Documents_are_split_at_lines_that_start_with_three_dashes_and_empty_ones_are_skipped()
    {
        var documents = KubectlYaml.Read("---\na: 1\n---\n# only a comment\n---\n---\n~\n--- # next\nb: |\n  ---x\n");

        Assert.Equal([(1, 2, """{"a":1}"""), (4, 9, """{"b":"---x\n"}""")],
            documents.Select(d => (d.Number, d.Line, d.Value.ToJsonString())));
    }

    [Fact]
    public void Only_the_first_document_before_an_end_marker_counts_as_kubectl_ignores_the_rest()
    {
        var documents = KubectlYaml.Read("a: 1\n...\nb: 2\n");

        Assert.Equal(["""{"a":1}"""], documents.Select(d => d.Value.ToJsonString()));
    }

    [Theory]
    [InlineData("v: .inf\n", 1, ".inf is a YAML number JSON cannot hold; quote it if it is text")]
    [InlineData("v: -.Inf\n", 1, "-.Inf is a YAML number JSON cannot hold; quote it if it is text")]
    [InlineData("v: .nan\n", 1, ".nan is a YAML number JSON cannot hold; quote it if it is text")]
    [InlineData("d:\n  ~: v\n", 2, "the key ~ is null, which cannot be a JSON field name; quote it")]
    [InlineData("d:\n  18446744073709551615: v\n", 2, "the key 18446744073709551615 is an integer above int64, which cannot be a JSON field name; quote it")]
    [InlineData("d:\n  ? {a: 1}\n  : v\n", 2, "a mapping cannot be a key (invalid map key)")]
    [InlineData("d:\n  ? [a]\n  : v\n", 2, "a sequence cannot be a key (invalid map key)")]
    [InlineData("v: !!int abc\n", 1, "cannot decode `abc` as a !!int")]
    [InlineData("v: !!bool 1\n", 1, "cannot decode `1` as a !!bool")]
    [InlineData("v: !!binary '%%'\n", 1, "!!binary value contains invalid base64 data")]
    [InlineData("a: 1\nv: *nope\n", 2, "unknown anchor 'nope' referenced")]
    [InlineData("v: &x {a: *x}\n", 1, "anchor 'x' value contains itself")]
    [InlineData("v: {<<: [a]}\n", 1, "map merge requires map or sequence of maps as the value")]
    [InlineData("a: &a x\nv: {<<: *a}\n", 2, "map merge requires map or sequence of maps as the value")]
    [InlineData("a: 1\nv: [unclosed\n", 3, "While parsing a flow sequence, did not find expected ',' or ']'")]
    public void Yaml_kubectl_refuses_is_an_error_naming_the_line(string yaml, int line, string message)
    {
        var error = Assert.Throws<ManifestDocumentException>(() => KubectlYaml.Read("kind: ConfigMap\n" + yaml));

        Assert.Equal((1, line + 1, message), (error.Document, error.Line, error.Message));
    }

    [Fact]
    public void A_separator_followed_by_anything_but_a_comment_is_an_error()
    {
        var error = Assert.Throws<ManifestDocumentException>(() => KubectlYaml.Read("a: 1\n--- {b: 2}\n"));

        Assert.Equal((2, 2, "\"--- {b: 2}\" is not a document separator kubectl accepts (only a comment may follow ---)"),
            (error.Document, error.Line, error.Message));
    }

    [Fact]
    public void Lines_count_from_the_start_of_the_file_in_later_documents()
    {
        var error = Assert.Throws<ManifestDocumentException>(() => KubectlYaml.Read("a: 1\n---\n# b\nb: 2\nc: .inf\n"));

        Assert.Equal((2, 5), (error.Document, error.Line));
    }

    [Fact]
    public void An_alias_bomb_is_refused()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + string.Join("", Enumerable.Range(0, 6).Select(i =>
            $"{(char)('b' + i)}: &{(char)('b' + i)} [{string.Join(", ", Enumerable.Repeat("*" + (char)('a' + i), 10))}]\n"));

        var error = Assert.Throws<ManifestDocumentException>(() => KubectlYaml.Read(yaml));

        Assert.StartsWith("aliases expand to more than", error.Message);
    }

    private static JsonObject Single(string yaml) => Assert.IsType<JsonObject>(Assert.Single(KubectlYaml.Read(yaml)).Value);

    private static JsonNode? Value(string yaml) => Single($"v: {yaml}\n")["v"];

    private static void AssertValue(string json, string yaml) => AssertJson(json, Value(yaml));

    /// <summary>Equal as JSON: numbers by value, so 1e+21 (Go) and 1E+21 (.NET) are the same.</summary>
    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString() ?? "null"}");
}
