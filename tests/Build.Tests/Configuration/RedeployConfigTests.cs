using Build.Configuration;
using Build.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Configuration;

/// <summary>The services file: defaults, overrides, and errors that name the file and the field.</summary>
public sealed class RedeployConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new("config");

    public RedeployConfigTests()
    {
        _dir.WriteFile("bot/Dockerfile", "FROM scratch\n");
        _dir.WriteFile("web/Dockerfile.prod", "FROM scratch\n");
        _dir.WriteFile("k8s/bot.yaml", "kind: Deployment\n");
    }

    public void Dispose() => _dir.Dispose();

    private RedeployConfig Load(string json) => RedeployConfig.Load(_dir.WriteFile("redeploy.json", json));

    private string LoadError(string json) => Assert.Throws<BuildInputException>(() => Load(json)).Message;

    private static BuildSettings Settings(params (string Name, string Value)[] arguments) =>
        BuildSettings.Parse(new Cake.Core.CakeArguments(arguments.ToLookup(a => a.Name, a => a.Value)), HostEnvironment.Read(_ => null, isWindows: false), "/", []);

    private const string Valid = """
        {
          "namespace": "coin-pilot-ns",
          "kubeContext": "minikube",
          "minikubeProfile": "minikube",
          "manifests": ["k8s/bot.yaml"],
          "services": [
            { "name": "bot", "image": "coinpilot-bot", "context": "bot" },
            { "name": "web", "image": "registry.local:5000/team/web", "context": "web", "dockerfile": "web/Dockerfile.prod",
              "deployment": "web-frontend", "container": "nginx" }
          ]
        }
        """;

    [Fact]
    public void Resolves_paths_relative_to_the_file_and_defaults_deployment_and_container_to_the_name()
    {
        var config = Load(Valid);

        var bot = config.Services[0];
        Assert.Equal(_dir.Combine("bot"), bot.Context);
        Assert.Equal(_dir.Combine("bot", "Dockerfile"), bot.Dockerfile);
        Assert.Equal(("bot", "bot"), (bot.Deployment, bot.Container));
        Assert.Equal(("web-frontend", "nginx"), (config.Services[1].Deployment, config.Services[1].Container));
        Assert.Equal([_dir.Combine("k8s", "bot.yaml")], config.Manifests);
    }

    [Fact]
    public void The_cluster_fields_default_to_minikube_and_the_default_namespace()
    {
        var config = Load("""{ "services": [ { "name": "bot", "image": "bot", "context": "bot" } ] }""");

        Assert.Equal(("default", "minikube", "minikube"), (config.Namespace, config.KubeContext, config.MinikubeProfile));
    }

    [Fact]
    public void Arguments_override_the_file_and_select_services()
    {
        var config = Load(Valid).WithOverrides(Settings(("services", "web"), ("namespace", "staging"), ("minikube-profile", "dev")));

        Assert.Equal(["web"], config.Services.Select(s => s.Name));
        Assert.Equal("staging", config.Namespace);
        Assert.Equal(("dev", "dev"), (config.MinikubeProfile, config.KubeContext));
    }

    [Fact]
    public void An_explicit_kube_context_wins_over_the_profiles()
    {
        var config = Load(Valid).WithOverrides(Settings(("minikube-profile", "dev"), ("kube-context", "other")));

        Assert.Equal(("dev", "other"), (config.MinikubeProfile, config.KubeContext));
    }

    [Fact]
    public void An_unknown_service_is_named_with_the_known_ones()
    {
        var error = Assert.Throws<BuildInputException>(() => Load(Valid).WithOverrides(Settings(("services", "bot,worker")))).Message;

        Assert.Equal("--services: no service named worker in redeploy.json (it has bot, web).", error);
    }

    [Fact]
    public void A_missing_file_says_how_to_get_one()
    {
        var error = Assert.Throws<BuildInputException>(() => RedeployConfig.Load(_dir.Combine("nope.json"))).Message;

        Assert.Contains("nope.json does not exist", error);
        Assert.Contains("--config=FILE", error);
    }

    [Theory]
    [InlineData("{ not json", "redeploy.json is not valid JSON (line 1)")]
    [InlineData("[]", "redeploy.json: the top level must be a JSON object, not a list.")]
    [InlineData("""{ "namespace": "x", "servces": [] }""", "redeploy.json: servces is not a known field (known fields:")]
    [InlineData("""{ "Services": [] }""", "redeploy.json: Services is not a known field (did you mean services?).")]
    [InlineData("""{ "namespace": "coin_pilot" , "services": [] }""", "redeploy.json: namespace \"coin_pilot\" is not a valid namespace name")]
    [InlineData("""{ "namespace": "ns" }""", "redeploy.json: services is missing")]
    [InlineData("""{ "services": [] }""", "redeploy.json: services is empty")]
    [InlineData("""{ "services": {} }""", "redeploy.json: services must be a list, not an object.")]
    [InlineData("""{ "services": [ { "name": "bot", "context": "bot" } ] }""", "redeploy.json: services[0].image is missing (the image repository to build")]
    [InlineData("""{ "services": [ { "name": "bot", "image": 5, "context": "bot" } ] }""", "redeploy.json: services[0].image must be a non-empty string, not the number 5.")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "bot:1.0", "context": "bot" } ] }""", "redeploy.json: services[0].image \"bot:1.0\" must be an image repository without a tag")]
    [InlineData("""{ "services": [ { "name": "Bot", "image": "bot", "context": "bot" } ] }""", "redeploy.json: services[0].name \"Bot\" must be a lowercase name")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "bot", "context": "nowhere" } ] }""", "redeploy.json: services[0].context names")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "bot", "context": "web" } ] }""", "redeploy.json: services[0].dockerfile (default: the context's Dockerfile) names")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "bot", "context": "bot", "dockerfile": "bot/Nope" } ] }""", "redeploy.json: services[0].dockerfile names")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "bot", "context": "bot", "dockerFile": "x" } ] }""", "redeploy.json: services[0].dockerFile is not a known field (did you mean dockerfile?).")]
    [InlineData("""{ "manifests": ["k8s/nope.yaml"], "services": [ { "name": "bot", "image": "bot", "context": "bot" } ] }""", "redeploy.json: manifests[0] names")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "a", "context": "bot" }, { "name": "bot", "image": "b", "context": "bot" } ] }""", "redeploy.json: services name \"bot\" is used by more than one service.")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "app", "context": "bot" }, { "name": "web", "image": "app", "context": "bot" } ] }""", "redeploy.json: services image \"app\" is used by bot and web: give each service its own image repository.")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "bot", "context": "bot", "platform": "amd64" } ] }""", "redeploy.json: services[0].platform \"amd64\" is not a platform: use os/arch[/variant], e.g. linux/amd64.")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "bot", "context": "bot", "buildArgs": ["A=1"] } ] }""", "redeploy.json: services[0].buildArgs must be an object of names and values")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "bot", "context": "bot", "buildArgs": { "1A": "x" } } ] }""", "redeploy.json: services[0].buildArgs.1A is not a valid build argument name")]
    [InlineData("""{ "services": [ { "name": "bot", "image": "bot", "context": "bot", "buildArgs": { "A": 1 } } ] }""", "redeploy.json: services[0].buildArgs.A must be a string, not the number 1.")]
    public void Every_mistake_names_the_file_and_the_field(string json, string expected)
    {
        Assert.StartsWith(expected, LoadError(json));
    }

    [Fact]
    public void Build_options_for_multi_stage_dockerfiles_are_read_and_part_of_the_build_inputs()
    {
        var config = Load("""
            { "services": [ { "name": "bot", "image": "bot", "context": "bot",
                "target": "runtime", "platform": "linux/arm64", "buildArgs": { "VERSION": "1.2", "CHANNEL": "beta" } } ] }
            """);

        var bot = Assert.Single(config.Services);
        Assert.Equal("runtime", bot.Target);
        Assert.Equal("linux/arm64", bot.Platform);
        Assert.Equal(["target=runtime", "platform=linux/arm64", "build-arg=CHANNEL=beta", "build-arg=VERSION=1.2"], bot.BuildOptions());
    }
}
