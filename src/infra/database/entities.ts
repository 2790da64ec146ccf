import { ApiKey } from '../../auth/api-key.entity';
import { ProducerGroup } from '../../producer-groups/producer-group.entity';
import { Topic } from '../../topics/topic.entity';

/** Every TypeORM entity; each feature owns its own and lists it here. */
export const ENTITIES = [ApiKey, Topic, ProducerGroup];
