using System.Reflection;
using Cake.Frosting;
using Xunit;

namespace Build.Tests.Frosting;

/// <summary>
/// The host's public surface is Cake.Frosting's (build/Frosting/README.md has the table): a build compiles against
/// either, and nothing here is required of a build that Cake.Frosting does not require.
/// </summary>
public sealed class PublicApiTests
{
    private static readonly Assembly Host = typeof(CakeHost).Assembly;

    private static IEnumerable<string> MethodNames(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => m.Name)
            .Distinct()
            .Order();

    [Fact]
    public void Exposes_Cake_Frostings_public_types_and_no_others()
    {
        string[] upstream =
        [
            "AsyncFrostingTask", "AsyncFrostingTask`1", "CakeHost", "CakeHostExtensions", "ContinueOnErrorAttribute",
            "FrostingContext", "FrostingException", "FrostingLifetime", "FrostingLifetime`1", "FrostingSetup", "FrostingSetup`1",
            "FrostingTask", "FrostingTask`1", "FrostingTaskLifetime", "FrostingTaskLifetime`1", "FrostingTaskSetup",
            "FrostingTaskSetup`1", "FrostingTaskTeardown", "FrostingTaskTeardown`1", "FrostingTeardown", "FrostingTeardown`1",
            "IFrostingContext", "IFrostingLifetime", "IFrostingSetup", "IFrostingStartup", "IFrostingTask", "IFrostingTaskLifetime",
            "IFrostingTaskSetup", "IFrostingTaskTeardown", "IFrostingTeardown", "IToolInstaller", "IsDependeeOfAttribute",
            "IsDependentOnAttribute", "ServiceCollectionExtensions", "TaskDescriptionAttribute", "TaskNameAttribute",
        ];

        Assert.All(Host.GetExportedTypes(), type => Assert.Equal("Cake.Frosting", type.Namespace));
        Assert.Equal(upstream.Order(StringComparer.Ordinal), Host.GetExportedTypes().Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CakeHost_and_its_extensions_offer_Cake_Frostings_configuration()
    {
        Assert.Equal(["AddAssembly", "ConfigureServices", "Create", "Run"], MethodNames(typeof(CakeHost)));
        Assert.Equal(
            [
                "InstallTool", "SetToolPath", "UseCakeSetting", "UseContext", "UseLifetime", "UseModule", "UsePackageInstaller",
                "UseSetup", "UseStartup", "UseTaskLifetime", "UseTaskSetup", "UseTaskTeardown", "UseTeardown", "UseWorkingDirectory",
            ],
            MethodNames(typeof(CakeHostExtensions)));
    }

    [Fact]
    public void ServiceCollectionExtensions_offers_Cake_Frostings_registrations()
    {
        Assert.Equal(
            [
                "UseCakeSetting", "UseContext", "UseLifetime", "UseModule", "UsePackageInstaller", "UseSetup", "UseTaskLifetime",
                "UseTaskSetup", "UseTaskTeardown", "UseTeardown", "UseTool", "UseToolPath", "UseWorkingDirectory",
            ],
            MethodNames(typeof(ServiceCollectionExtensions)));
    }

    [Fact]
    public void IFrostingTask_requires_only_what_Cake_Frosting_requires()
    {
        var required = typeof(IFrostingTask).GetMethods().Where(m => m.IsAbstract).Select(m => m.Name).Order();

        Assert.Equal(["Finally", "OnError", "RunAsync", "ShouldRun"], required);
        Assert.False(typeof(IFrostingTask).GetProperty(nameof(IFrostingTask.SkippedMessage))!.GetMethod!.IsAbstract);
    }

    [Fact]
    public void FrostingException_takes_a_message_and_optionally_the_failure_behind_it()
    {
        var cause = new InvalidOperationException("cause");

        var exception = new FrostingException("what is wrong", cause);

        Assert.Equal("what is wrong", exception.Message);
        Assert.Same(cause, exception.InnerException);
        Assert.Null(new FrostingException("what is wrong").InnerException);
    }
}
