using Cake.Core.Packaging;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;
using TestSupport;
using Xunit;

namespace Build.Tests.Frosting.Extensions;

/// <summary>The registrations behind CakeHost's configuration, as a startup or ConfigureServices uses them.</summary>
[Collection(HostCollection.Name)]
public sealed class ServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new Journal());
        configure(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void UseContext_registers_the_context_as_IFrostingContext_only()
    {
        var services = new ServiceCollection().UseContext<OtherContext>();

        Assert.Equal([typeof(IFrostingContext)], services.Select(s => s.ServiceType));
        Assert.Equal(typeof(OtherContext), services.Single().ImplementationType);
    }

    [Fact]
    public void UseLifetime_makes_one_instance_the_setup_and_the_teardown()
    {
        using var provider = Build(s => s.UseLifetime<PlainLifetime>());

        var lifetime = provider.GetRequiredService<IFrostingLifetime>();
        Assert.IsType<PlainLifetime>(lifetime);
        Assert.Same(lifetime, provider.GetRequiredService<IFrostingSetup>());
        Assert.Same(lifetime, provider.GetRequiredService<IFrostingTeardown>());
    }

    [Fact]
    public void UseTaskLifetime_makes_one_instance_the_task_setup_and_the_task_teardown()
    {
        using var provider = Build(s => s.UseTaskLifetime<PlainTaskLifetime>());

        var lifetime = provider.GetRequiredService<IFrostingTaskLifetime>();
        Assert.IsType<PlainTaskLifetime>(lifetime);
        Assert.Same(lifetime, provider.GetRequiredService<IFrostingTaskSetup>());
        Assert.Same(lifetime, provider.GetRequiredService<IFrostingTaskTeardown>());
    }

    [Fact]
    public void The_single_lifetime_registrations_each_register_their_own_service()
    {
        using var provider = Build(s => s.UseSetup<PlainSetup>().UseTeardown<PlainTeardown>().UseTaskSetup<PlainTaskSetup>().UseTaskTeardown<PlainTaskTeardown>());

        Assert.IsType<PlainSetup>(provider.GetRequiredService<IFrostingSetup>());
        Assert.IsType<PlainTeardown>(provider.GetRequiredService<IFrostingTeardown>());
        Assert.IsType<PlainTaskSetup>(provider.GetRequiredService<IFrostingTaskSetup>());
        Assert.IsType<PlainTaskTeardown>(provider.GetRequiredService<IFrostingTaskTeardown>());
    }

    [Fact]
    public void UseModule_applies_the_modules_registrations()
    {
        using var provider = Build(s => s.UseModule<MarkerModule>());

        Assert.NotNull(provider.GetService<ModuleMarker>());
    }

    [Fact]
    public void UsePackageInstaller_adds_an_installer_beside_the_others()
    {
        var services = new ServiceCollection().UsePackageInstaller<FakeToolInstaller>();

        Assert.Contains(services, s => s.ServiceType == typeof(IPackageInstaller) && s.ImplementationType == typeof(FakeToolInstaller));
    }

    [Fact]
    public void UseTool_keeps_the_uri_as_written()
    {
        using var provider = Build(s => s.UseTool(new Uri("nuget:?package=Some.Tool&version=1.2.3")));

        Assert.Equal("nuget:?package=Some.Tool&version=1.2.3", provider.GetRequiredService<PackageReference>().OriginalString);
    }

    [Fact]
    public void UseTool_and_UseToolPath_install_into_the_tool_path_before_the_first_task()
    {
        using var installed = new TempDirectory("frosting-installed");
        using var tools = new TempDirectory("frosting-tools");
        var run = HostHarness.Run(
            h => h.UseContext<TestContext>()
                .ConfigureServices(s => s
                    .UsePackageInstaller<FakeToolInstaller>()
                    .UseToolPath(tools.Path)
                    .UseTool(new Uri("fake:?package=gadget"))
                    .AddSingleton(new FakeToolDirectory(installed.Path)))
                .WithTasks(typeof(FirstTask)),
            "--target", "First");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([$"install:gadget:{tools.Path}", "First"], run.Journal.Entries);
    }

    [Fact]
    public void UseCakeSetting_needs_a_key_and_a_value()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>(() => services.UseCakeSetting(null!, "value"));
        Assert.Throws<ArgumentNullException>(() => services.UseCakeSetting("key", null!));
    }
}
