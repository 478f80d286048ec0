CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "instance_events" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_instance_events" PRIMARY KEY AUTOINCREMENT,
    "Instance" TEXT NOT NULL,
    "TimeMs" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "Message" TEXT NOT NULL
);

CREATE TABLE "instance_runs" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_instance_runs" PRIMARY KEY AUTOINCREMENT,
    "Instance" TEXT NOT NULL,
    "Pid" INTEGER NOT NULL,
    "StartedAtMs" INTEGER NOT NULL,
    "EndedAtMs" INTEGER NULL,
    "ExitCode" INTEGER NULL,
    "Reason" TEXT NULL
);

CREATE TABLE "instances" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_instances" PRIMARY KEY,
    "SpecJson" TEXT NOT NULL,
    "DesiredState" TEXT NOT NULL,
    "CreatedAtMs" INTEGER NOT NULL,
    "UpdatedAtMs" INTEGER NOT NULL,
    "Restarts" INTEGER NOT NULL,
    "WorkerPid" INTEGER NULL,
    "WorkerStartedAtMs" INTEGER NULL,
    "WorkerRunId" INTEGER NULL,
    "LastSequence" INTEGER NOT NULL
);

CREATE INDEX "IX_instance_events_Instance_TimeMs" ON "instance_events" ("Instance", "TimeMs");

CREATE INDEX "IX_instance_runs_Instance_StartedAtMs" ON "instance_runs" ("Instance", "StartedAtMs");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261124034309_DaemonInitial', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "instances" ADD "SpecProto" BLOB NULL;

CREATE TRIGGER instances_spec_proto_stale AFTER UPDATE OF SpecJson ON instances
WHEN NEW.SpecJson IS NOT OLD.SpecJson AND NEW.SpecProto IS OLD.SpecProto
BEGIN
    UPDATE instances SET SpecProto = NULL WHERE Name = NEW.Name;
END;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202113650_InstanceSpecProto', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "instance_runs" ADD "SentOrders" INTEGER NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204134122_RunSentOrders', '10.0.15');

COMMIT;

