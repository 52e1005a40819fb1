using Cake.Core.Diagnostics;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;
using TestSupport;
using Xunit;

namespace Build.Tests.Frosting.Extensions;

/// <summary>The CakeHost configuration methods beyond UseContext and the lifetimes (those are in FrostingLifetimeTests).</summary>
[Collection(HostCollection.Name)]
public sealed class CakeHostExtensionsTests
{
    /// <summary>A host with the fake: installer, whose tools land in <paramref name="installed"/>.</summary>
    private static Action<CakeHost> WithFakeInstaller(TempDirectory installed, Action<CakeHost> configure) =>
        host =>
        {
            host.UseContext<TestContext>()
                .UsePackageInstaller<FakeToolInstaller>()
                .ConfigureServices(services => services.AddSingleton(new FakeToolDirectory(installed.Path)));
            configure(host);
        };

    [Fact]
    public void UseStartup_applies_the_startups_configuration()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseStartup<SettingStartup>().WithTasks(typeof(FirstTask), typeof(EchoTask)),
            "--target", "Echo");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("plain-setup:Echo", run.Journal.Entries[0]);
        Assert.Contains("setting=from-startup", run.Journal.Entries);
    }

    [Fact]
    public void UseModule_adds_the_modules_registrations()
    {
        var run = HostHarness.Run(
            h => h.UseModule<MarkerModule>().WithProbe(context =>
                context.Log.Information($"marker: {context.ServiceProvider.GetService<ModuleMarker>() is not null}")),
            "--target", "Probe");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("marker: True", run.Output);
    }

    [Fact]
    public void InstallTool_installs_with_a_UsePackageInstaller_installer_and_registers_the_files_with_the_tool_locator()
    {
        using var installed = new TempDirectory("frosting-installed");
        var run = HostHarness.Run(
            WithFakeInstaller(installed, h => h
                .InstallTool(new Uri("fake:?package=widget"))
                .WithProbe(context => context.Log.Information($"resolved: {context.Tools.Resolve("widget.tool")?.FullPath}"))),
            "--target", "Probe");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"resolved: {Path.Combine(installed.Path, "widget.tool")}", run.Output);
    }

    [Fact]
    public void Tools_are_installed_before_Setup()
    {
        using var installed = new TempDirectory("frosting-installed");
        var run = HostHarness.Run(
            WithFakeInstaller(installed, h => h.InstallTool(new Uri("fake:?package=widget")).UseSetup<PlainSetup>().WithTasks(typeof(FirstTask))),
            "--target", "First");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["install", "plain-setup:First", "First"], run.Journal.Entries.Select(e => e.Split(':')[0] == "install" ? "install" : e));
    }

    [Fact]
    public void SetToolPath_is_the_directory_tools_are_installed_into()
    {
        using var installed = new TempDirectory("frosting-installed");
        using var tools = new TempDirectory("frosting-tools");
        var run = HostHarness.Run(
            WithFakeInstaller(installed, h => h.SetToolPath(tools.Path).InstallTool(new Uri("fake:?package=widget")).WithTasks(typeof(FirstTask))),
            "--target", "First");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"install:widget:{tools.Path}", run.Journal.Entries);
    }

    [Fact]
    public void Tools_go_into_the_tools_directory_under_the_working_directory_by_default()
    {
        var before = Environment.CurrentDirectory;
        using var installed = new TempDirectory("frosting-installed");
        using var working = new TempDirectory("frosting-working");
        try
        {
            var run = HostHarness.Run(
                WithFakeInstaller(installed, h => h.UseWorkingDirectory(working.Path).InstallTool(new Uri("fake:?package=widget")).WithTasks(typeof(FirstTask))),
                "--target", "First");

            Assert.Equal(0, run.ExitCode);
            Assert.Contains($"install:widget:{Path.Combine(working.Path, "tools")}", run.Journal.Entries);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    [Fact]
    public void A_tool_no_installer_takes_fails_the_run_before_Setup()
    {
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>().UseSetup<PlainSetup>().InstallTool(new Uri("foo:?package=Bar")).WithTasks(typeof(FirstTask)),
            "--target", "First");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: Could not find an installer for the 'foo' scheme.", run.Output);
        Assert.Empty(run.Journal.Entries);
    }

    [Fact]
    public void A_tool_whose_install_yields_no_files_fails_the_run()
    {
        using var installed = new TempDirectory("frosting-installed");
        var run = HostHarness.Run(WithFakeInstaller(installed, h => h.InstallTool(new Uri("fake:?package=empty")).WithTasks(typeof(FirstTask))), "--target", "First");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: Failed to install tool 'empty'.", run.Output);
    }

    [Fact]
    public void A_registered_IToolInstaller_replaces_the_hosts()
    {
        var installer = new RecordingToolInstaller();
        var run = HostHarness.Run(
            h => h.InstallTool(new Uri("foo:?package=Bar")).ConfigureServices(s => s.AddSingleton<IToolInstaller>(installer)).WithTasks(typeof(UntypedTask)),
            "--target", "Untyped");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["foo:?package=Bar"], installer.Installed);
    }

    [Fact]
    public void The_last_UseContext_is_the_context_tasks_get()
    {
        var run = HostHarness.Run(h => h.UseContext<OtherContext>().UseContext<TestContext>().WithTasks(typeof(FirstTask)), "--target", "First");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["First"], run.Journal.Entries);
    }

    [Fact]
    public void UseWorkingDirectory_is_relative_to_the_current_directory_and_working_wins_over_it()
    {
        var before = Environment.CurrentDirectory;
        using var root = new TempDirectory("frosting-working");
        Directory.CreateDirectory(root.Combine("foo"));
        Directory.CreateDirectory(root.Combine("bar"));
        try
        {
            Environment.CurrentDirectory = root.Path;
            var fromHost = HostHarness.Run(h => h.UseContext<TestContext>().UseWorkingDirectory("./foo").WithTasks(typeof(EchoTask)), "--target", "Echo");
            Environment.CurrentDirectory = root.Path;
            var fromArgument = HostHarness.Run(
                h => h.UseContext<TestContext>().UseWorkingDirectory("./foo").WithTasks(typeof(EchoTask)), "--target", "Echo", "-w", "./bar");

            Assert.Contains($"working={root.Combine("foo")}", fromHost.Journal.Entries);
            Assert.Contains($"working={root.Combine("bar")}", fromArgument.Journal.Entries);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    private sealed class RecordingToolInstaller : IToolInstaller
    {
        public List<string> Installed { get; } = [];

        public void Install(Cake.Core.Packaging.PackageReference tool) => Installed.Add(tool.OriginalString);
    }
}
