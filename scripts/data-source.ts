// Entry point for the TypeORM CLI (`npm run migration:generate|revert`); needs DATABASE_URL. The
// CLI compares entities with the database, so it lists every feature's entities here.
import { DataSource } from 'typeorm';
import { ApiKey } from '../src/auth/api-key.entity';
import { dataSourceOptions } from '../src/infra/database/data-source-options';
import { ProducerGroup } from '../src/producer-groups/producer-group.entity';
import { Topic } from '../src/topics/topic.entity';

if (!process.env.DATABASE_URL) {
  throw new Error('Set DATABASE_URL to run the TypeORM CLI (npm start prints the embedded one).');
}

export default new DataSource({
  ...dataSourceOptions(process.env.DATABASE_URL),
  entities: [ApiKey, Topic, ProducerGroup],
});
