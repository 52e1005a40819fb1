using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using TestSupport;
using Xunit;

namespace Build.Tests.Kubernetes;

public sealed class ManifestsTests : IDisposable
{
    private readonly TempDirectory _dir = new("manifests");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_every_document_with_yaml_core_schema_types()
    {
        var path = _dir.WriteFile("app.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: coin-pilot-ns
            ---
            # a comment
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: bot
              labels: { app: bot, version: "2" }
            spec:
              replicas: 1
              paused: false
              progressDeadlineSeconds: 1.5e2
              template:
                spec:
                  containers:
                    - name: bot
                      image: coinpilot-bot:latest
                      args: ["--ratio", "0.5", yes]
            """);

        var objects = Manifests.Read(path);

        Assert.Equal(2, objects.Count);
        var deployment = objects[1];
        Assert.Equal("""{"app":"bot","version":"2"}""", deployment["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("1", deployment["spec"]!["replicas"]!.ToJsonString());
        Assert.Equal("false", deployment["spec"]!["paused"]!.ToJsonString());
        Assert.Equal("150", deployment["spec"]!["progressDeadlineSeconds"]!.ToJsonString());
        Assert.Equal("""["--ratio","0.5","yes"]""", deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.ToJsonString());
    }

    [Fact]
    public void Points_each_services_container_at_its_built_image_and_reports_services_without_a_deployment()
    {
        var objects = Manifests.Read(_dir.WriteFile("bot.yaml", """
            kind: Deployment
            metadata: { name: bot }
            spec:
              template:
                spec:
                  containers:
                    - { name: sidecar, image: envoy:1 }
                    - { name: bot, image: coinpilot-bot:latest }
            """));
        var bot = new BuiltImage(new ServiceConfig("bot", "coinpilot-bot", "", "", "bot", "bot"), ImageId.Parse("sha256:0123456789abcdef0123" + new string('0', 44)), TimeSpan.Zero);
        var web = new BuiltImage(new ServiceConfig("web", "web", "", "", "web", "web"), ImageId.Parse("sha256:fedcba98765432100000" + new string('0', 44)), TimeSpan.Zero);

        var missing = Manifests.SetImages(objects, [bot, web]);

        Assert.Equal(["web"], missing);
        var containers = objects[0]["spec"]!["template"]!["spec"]!["containers"]!;
        Assert.Equal("envoy:1", (string?)containers[0]!["image"]);
        Assert.Equal("coinpilot-bot:id-0123456789abcdef", (string?)containers[1]!["image"]);
    }

    [Fact]
    public void Invalid_yaml_names_the_file_and_line()
    {
        var path = _dir.WriteFile("bad.yaml", "kind: Deployment\nmetadata: [unclosed\n");

        var error = Assert.Throws<BuildInputException>(() => Manifests.Read(path)).Message;

        Assert.StartsWith($"{path} is not valid YAML (line ", error);
    }

    [Fact]
    public void A_document_that_is_not_an_object_is_an_error()
    {
        var error = Assert.Throws<BuildInputException>(() => Manifests.Read(_dir.WriteFile("list.yaml", "- a\n- b\n"))).Message;

        Assert.EndsWith("document 1 is not a Kubernetes object (a mapping with apiVersion and kind).", error);
    }
}
