using System.Reflection;

namespace Cake.Frosting.Internal;

/// <summary>Finds task classes and the names they go by.</summary>
internal static class TaskDiscovery
{
    /// <summary>The public, concrete task classes of <paramref name="assemblies"/> (null entries are skipped).</summary>
    public static IEnumerable<Type> FindTasks(IEnumerable<Assembly> assemblies) =>
        assemblies
            .Where(assembly => assembly is not null)
            .SelectMany(assembly => assembly.GetExportedTypes())
            .Where(type => type.IsClass && !type.IsAbstract && typeof(IFrostingTask).IsAssignableFrom(type));

    /// <summary>The <see cref="TaskNameAttribute"/> name, else the class name.</summary>
    public static string NameOf(Type task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.GetCustomAttribute<TaskNameAttribute>() is { } attribute ? attribute.Name : task.Name;
    }
}
