using System.Text.Json.Nodes;
using Build.Kubernetes;
using Xunit;

namespace Build.Tests.Kubernetes;

public sealed class JsonStreamTests
{
    [Fact]
    public void Indented_values_printed_one_after_another_come_out_whole()
    {
        var values = new List<JsonNode>();
        var stream = new JsonStream(values.Add);

        foreach (var line in "{\n  \"type\": \"ADDED\",\n  \"object\": { \"name\": \"a}\\\"{\" }\n}\n{\"type\": \"MODIFIED\"}\n".Split('\n'))
        {
            stream.Add(line);
        }

        Assert.Equal(2, values.Count);
        Assert.Equal("a}\"{", (string?)values[0]["object"]?["name"]);
        Assert.Equal("MODIFIED", (string?)values[1]["type"]);
    }

    [Fact]
    public void Text_between_values_is_skipped()
    {
        var values = new List<JsonNode>();
        var stream = new JsonStream(values.Add);

        stream.Add("W1127 warning: something");
        stream.Add("{\"type\": \"ADDED\"}");

        Assert.Single(values);
    }
}
