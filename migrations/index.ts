// Every migration, in order. Add new ones at the end; never edit one that has landed.
import { InitialSchema1795238961158 } from './1795238961158-InitialSchema';
import { DeliveryMembers1795400000000 } from './1795400000000-DeliveryMembers';
import { QueryIndexes1795500000000 } from './1795500000000-QueryIndexes';
import { OperatorConsole1795600000000 } from './1795600000000-OperatorConsole';
import { TimePartitions1795700000000 } from './1795700000000-TimePartitions';
import { InflightKeyIndex1795800000000 } from './1795800000000-InflightKeyIndex';
import { PushBatch1795900000000 } from './1795900000000-PushBatch';
import { DeliveryControls1796000000000 } from './1796000000000-DeliveryControls';
import { TopicSchemas1796100000000 } from './1796100000000-TopicSchemas';
import { TopicDurability1796200000000 } from './1796200000000-TopicDurability';

export const MIGRATIONS = [
  InitialSchema1795238961158,
  DeliveryMembers1795400000000,
  QueryIndexes1795500000000,
  OperatorConsole1795600000000,
  TimePartitions1795700000000,
  InflightKeyIndex1795800000000,
  PushBatch1795900000000,
  DeliveryControls1796000000000,
  TopicSchemas1796100000000,
  TopicDurability1796200000000,
];
