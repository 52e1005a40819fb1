using Build.Minikube;
using Build.Tools;
using Xunit;

namespace Build.Tests.Minikube;

public sealed class MinikubeStatusTests
{
    private static MinikubeStatus From(int exitCode, string output, string error = "") =>
        MinikubeStatus.From(new ToolResult("minikube status", exitCode, output.Split('\n'), error.Split('\n')));

    [Fact]
    public void Exit_0_with_the_json_is_running()
    {
        var status = From(0, """{"Name":"minikube","Host":"Running","Kubelet":"Running","APIServer":"Running","Kubeconfig":"Configured","Worker":false}""");

        Assert.Equal(ProfileState.Running, status.State);
        Assert.Equal("Host Running, Kubelet Running, APIServer Running", status.Detail);
    }

    [Fact]
    public void A_non_zero_exit_with_the_json_is_stopped()
    {
        var status = From(7, """{"Name":"minikube","Host":"Stopped","Kubelet":"Stopped","APIServer":"Stopped","Kubeconfig":"Stopped","Worker":false}""");

        Assert.Equal(ProfileState.Stopped, status.State);
        Assert.Contains("Host Stopped", status.Detail);
    }

    [Fact]
    public void Exit_4_is_only_the_kubeconfig_and_the_profile_runs()
    {
        var status = From(4, """{"Name":"minikube","Host":"Running","Kubelet":"Running","APIServer":"Running","Kubeconfig":"Misconfigured","Worker":false}""");

        Assert.Equal(ProfileState.Running, status.State);
    }

    [Fact]
    public void A_missing_profile_says_not_found()
    {
        var status = From(85, "", "* Profile \"dev\" not found. Run \"minikube profile list\" to view all profiles.");

        Assert.Equal(ProfileState.Missing, status.State);
    }

    [Fact]
    public void Anything_else_is_unknown_with_the_message()
    {
        var status = From(1, "", "boom");

        Assert.Equal(ProfileState.Unknown, status.State);
        Assert.Equal("exit code 1: boom", status.Detail);
    }
}
