using System.Reflection;

namespace Cake.Frosting.Internal;

/// <summary>Finds task classes and the names they go by.</summary>
internal static class TaskDiscovery
{
    public static IEnumerable<Type> FindTasks(IEnumerable<Assembly> assemblies) =>
        assemblies
            .SelectMany(assembly => assembly.GetExportedTypes())
            .Where(type => type.IsClass && !type.IsAbstract && typeof(IFrostingTask).IsAssignableFrom(type));

    /// <summary>The <see cref="TaskNameAttribute"/> name, else the class name.</summary>
    public static string NameOf(Type task) => task.GetCustomAttribute<TaskNameAttribute>()?.Name ?? task.Name;
}
