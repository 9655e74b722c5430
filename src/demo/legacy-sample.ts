import fs from 'node:fs';
import path from 'node:path';

/**
 * A small synthetic "legacy export" with the faults real source files have, so a new install's
 * ingest jobs page shows quarantine at work: an impossible date, a missing required field, a
 * short row, bytes that are not UTF-8, and a date in another format. The good rows load.
 */
export function writeLegacySample(outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  const header =
    'record_id,given_name,family_name,date_of_birth,country_of_citizenship,passport_number,passport_country,class_of_admission,port_of_entry,admitted_on,admit_until';
  const lines = [
    header,
    'LEG-0001,Tomasz,Wiśniewski-Sample,1984-06-02,POL,X90000001,POL,B2,ORD,2024-05-10,2024-11-09',
    'LEG-0002,Aiyana,Rosebud-Sample,1990-02-30,CAN,X90000002,CAN,B1,SEA,2024-06-01,2024-12-01',
    'LEG-0003,Kwame,Mensah-Sample,1979-11-21,GHA,X90000003,GHA,,ATL,2024-07-15,2025-01-14',
    'LEG-0004,Short,Row-Sample,1988-01-01',
    'LEG-0006,Lucía,Fernández-Sample,1995-09-09,ESP,X90000006,ESP,WT,MIA,07/04/2024,2024-10-02',
    'LEG-0007,Hanh,Tran-Sample,1992-03-14,VNM,X90000007,VNM,F1,LAX,2024-08-20,D/S',
  ];
  const text = Buffer.concat([
    Buffer.from(lines.slice(0, 5).join('\n') + '\n'),
    // A row whose given name was written in Latin-1 by an old system: not valid UTF-8.
    Buffer.from('LEG-0005,Jos'),
    Buffer.from([0xe9]),
    Buffer.from(',Moreau-Sample,1987-05-05,FRA,X90000005,FRA,B2,JFK,2024-09-01,2025-03-01\n'),
    Buffer.from(lines.slice(5).join('\n') + '\n'),
  ]);
  const file = path.join(outDir, 'i94_legacy_export.csv');
  fs.writeFileSync(file, text);
  return file;
}
