using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mmd.Persistence.Migrations.Daemon
{
    /// <inheritdoc />
    public partial class InstanceSpecProto : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "SpecProto",
                table: "instances",
                type: "BLOB",
                nullable: true);

            // A writer that changes SpecJson without SpecProto (an older mmd, or a hand edit) leaves the bytes stale:
            // they are cleared, and the daemon then reads the JSON.
            migrationBuilder.Sql("""
                CREATE TRIGGER instances_spec_proto_stale AFTER UPDATE OF SpecJson ON instances
                WHEN NEW.SpecJson IS NOT OLD.SpecJson AND NEW.SpecProto IS OLD.SpecProto
                BEGIN
                    UPDATE instances SET SpecProto = NULL WHERE Name = NEW.Name;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER instances_spec_proto_stale;");
            migrationBuilder.DropColumn(
                name: "SpecProto",
                table: "instances");
        }
    }
}
