namespace AdmmNn.Fuzzing.Mutation;

/// <summary>
/// One field of a protobuf message as found on the wire. A length-delimited field whose payload parses as a message keeps
/// its children; everything else keeps its raw value bytes. Immutable: mutations build new fields along one path.
/// </summary>
internal sealed record ProtoField(int Number, int WireType, ulong Varint, byte[] Payload, IReadOnlyList<ProtoField>? Children)
{
    public const int WireVarint = 0, WireFixed64 = 1, WireLength = 2, WireFixed32 = 5;

    public bool IsMessage => Children is not null;
}
