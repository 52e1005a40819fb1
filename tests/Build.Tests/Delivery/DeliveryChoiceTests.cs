using Build.Delivery;
using Build.Infrastructure;
using Build.Minikube;
using Build.Registry;
using Xunit;

namespace Build.Tests.Delivery;

/// <summary>How auto chooses, and what an explicit mode demands.</summary>
public sealed class DeliveryChoiceTests
{
    private static readonly RegistryAddress Registry = RegistryAddress.Parse("registry.example.com/team", "--registry");

    private static ProfileInfo Profile(string runtime = "docker", int nodes = 1, string driver = "docker") => new("minikube", driver, runtime, nodes);

    private static DeliveryRequest Request(DeliveryMode mode = DeliveryMode.Auto, RegistryAddress? registry = null, bool delivers = true) => new(mode, registry, delivers, "minikube");

    [Fact]
    public void Auto_pushes_when_a_registry_is_configured()
    {
        var choice = DeliveryChoice.Decide(Request(registry: Registry), profile: null);

        Assert.Equal(DeliveryMode.Registry, choice.Mode);
        Assert.Equal("a registry is configured, so images are pushed to registry.example.com/team", choice.Reason);
    }

    [Fact]
    public void Auto_builds_in_the_nodes_daemon_on_a_single_node_docker_profile()
    {
        var choice = DeliveryChoice.Decide(Request(), Profile());

        Assert.Equal(DeliveryMode.DockerEnv, choice.Mode);
        Assert.StartsWith("minikube profile minikube runs the docker runtime on one node", choice.Reason);
    }

    [Theory]
    [InlineData("containerd", 1, "docker", "minikube profile minikube uses the containerd runtime, not docker")]
    [InlineData("docker", 3, "docker", "minikube profile minikube has 3 nodes")]
    [InlineData("docker", 1, "none", "minikube profile minikube uses the none driver")]
    public void Auto_loads_where_docker_env_cannot_work_and_says_why(string runtime, int nodes, string driver, string why)
    {
        var choice = DeliveryChoice.Decide(Request(), Profile(runtime, nodes, driver));

        Assert.Equal(DeliveryMode.Load, choice.Mode);
        Assert.Equal($"{why}, so images are loaded with minikube image load", choice.Reason);
    }

    [Fact]
    public void Auto_loads_when_minikube_docker_env_failed_and_keeps_minikubes_words()
    {
        var choice = DeliveryChoice.Decide(Request(), Profile(), dockerEnvFailure: "X Exiting due to DRV_PORT_FORWARD");

        Assert.Equal(DeliveryMode.Load, choice.Mode);
        Assert.Equal("minikube docker-env failed (X Exiting due to DRV_PORT_FORWARD), so images are loaded with minikube image load", choice.Reason);
        Assert.Equal("X Exiting due to DRV_PORT_FORWARD", choice.DockerEnvFailure);
    }

    [Fact]
    public void A_run_that_delivers_nothing_builds_with_the_local_daemon_under_auto_but_keeps_an_explicit_mode()
    {
        Assert.Equal(DeliveryMode.Local, DeliveryChoice.Decide(Request(delivers: false), Profile()).Mode);
        Assert.Equal(DeliveryMode.DockerEnv, DeliveryChoice.Decide(Request(DeliveryMode.DockerEnv, delivers: false), Profile()).Mode);
        Assert.Equal(DeliveryMode.Registry, DeliveryChoice.Decide(Request(registry: Registry, delivers: false), null).Mode);
    }

    [Fact]
    public void Registry_without_a_registry_and_docker_env_where_it_cannot_work_are_input_errors()
    {
        Assert.Contains("needs a registry: pass --registry=HOST[:PORT][/PREFIX]", Assert.Throws<BuildInputException>(() => DeliveryChoice.Decide(Request(DeliveryMode.Registry), null)).Message);
        Assert.Contains("--image-delivery=docker-env cannot work: minikube profile minikube uses the containerd runtime",
            Assert.Throws<BuildInputException>(() => DeliveryChoice.Decide(Request(DeliveryMode.DockerEnv), Profile("containerd"))).Message);
        Assert.Equal("minikube docker-env failed: X stopped Use --image-delivery=load.",
            Assert.Throws<BuildInputException>(() => DeliveryChoice.Decide(Request(DeliveryMode.DockerEnv), Profile(), "X stopped")).Message);
    }

    [Theory]
    [InlineData("auto", DeliveryMode.Auto)]
    [InlineData("LOAD", DeliveryMode.Load)]
    [InlineData("docker-env", DeliveryMode.DockerEnv)]
    [InlineData(" registry ", DeliveryMode.Registry)]
    public void Modes_are_read_by_their_names(string text, DeliveryMode mode)
    {
        Assert.Equal(mode, DeliveryChoice.Parse(text, "--image-delivery"));
    }

    [Fact]
    public void An_unknown_mode_names_the_input_and_the_modes()
    {
        Assert.Equal("--image-delivery=push is not an image delivery: use auto, load, docker-env or registry.",
            Assert.Throws<BuildInputException>(() => DeliveryChoice.Parse("push", "--image-delivery")).Message);
    }

    [Fact]
    public void Only_auto_toward_a_profile_and_docker_env_ask_minikube_about_the_profile()
    {
        Assert.True(Request().NeedsProfile);
        Assert.True(Request(DeliveryMode.DockerEnv, delivers: false).NeedsProfile);
        Assert.False(Request(delivers: false).NeedsProfile);
        Assert.False(Request(registry: Registry).NeedsProfile);
        Assert.False(Request(DeliveryMode.Load).NeedsProfile);
    }

    [Fact]
    public void Only_a_run_that_delivers_to_a_profile_or_builds_in_its_daemon_uses_minikube()
    {
        Assert.True(Request(DeliveryMode.Load).UsesMinikube);
        Assert.True(Request(DeliveryMode.DockerEnv, delivers: false).UsesMinikube);
        Assert.False(Request(delivers: false).UsesMinikube);
        Assert.False(Request(registry: Registry).UsesMinikube);
        Assert.False(Request(DeliveryMode.Load, Registry).PushesToRegistry);
        Assert.True(Request(DeliveryMode.Registry, Registry).PushesToRegistry);
    }
}
