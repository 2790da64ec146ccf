// Every migration, in order. Add new ones at the end; never edit one that has landed.
import { InitialSchema1795238961158 } from './1795238961158-InitialSchema';

export const MIGRATIONS = [InitialSchema1795238961158];
