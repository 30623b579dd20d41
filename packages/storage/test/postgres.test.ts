import { afterAll } from 'vitest'
import { runStorageContract } from './contract.js'
import { dropSchema, freshSchemaName, openTestStorage, sharedAdmin } from './postgres-env.js'

// Each test gets its own schema, dropped afterwards; PostgreSQL missing fails every test, naming it.
const admins = sharedAdmin()
let schema = ''
afterAll(() => admins.end())

runStorageContract(
  'postgres',
  async () => {
    await admins.get()
    schema = freshSchemaName()
    return openTestStorage(schema)
  },
  async () => dropSchema(await admins.get(), schema),
)
