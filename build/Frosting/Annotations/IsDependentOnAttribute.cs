namespace Cake.Frosting;

/// <summary>The annotated task runs after <see cref="Task"/>, which always runs first.</summary>
/// <param name="type">The task to run first; it must be a task class.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependentOnAttribute(Type type) : Attribute
{
    /// <summary>The task to run first.</summary>
    public Type Task { get; } = type;
}
