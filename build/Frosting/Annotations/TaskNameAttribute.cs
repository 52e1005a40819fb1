namespace Cake.Frosting;

/// <summary>The name of a task on the command line (defaults to the class name).</summary>
/// <param name="name">The name.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TaskNameAttribute(string name) : Attribute
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;
}
