import type { Knex } from 'knex'
import { tenantTable } from '@monozu/kernel'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

export async function up (knex: Knex): Promise<void> {
  await tenantTable(knex, 'vpn_networks', t => {
    t.uuid('id').notNullable()
    t.string('name', 100).notNullable()
    t.string('name_key', 100).notNullable() // lower(name), unique per tenant
    t.string('cidr4', 18).notNullable() // e.g. 100.64.0.0/24, canonical network address
    t.string('prefix6', 43) // optional ULA prefix, e.g. fd12:3456:789a::/64
    t.jsonb('dns').notNullable().defaultTo('[]') // resolver addresses
    t.jsonb('search_domains').notNullable().defaultTo('[]')
    t.integer('listen_port').notNullable()
    t.integer('mtu')
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'name_key'])
  })

  await tenantTable(knex, 'vpn_peers', t => {
    t.uuid('id').notNullable()
    t.uuid('network_id').notNullable()
    t.string('name', 100).notNullable()
    t.string('kind', 16).notNullable() // appliance | user
    t.uuid('device_id') // appliance: the devices plugin's device
    t.uuid('user_id') // user device: its owner
    t.string('public_key', 44).notNullable()
    t.string('address4', 15).notNullable()
    t.bigInteger('host_index').notNullable() // offset of address4 in the network: the allocation key
    t.string('address6', 39)
    t.string('endpoint', 261) // host:port where others reach it (appliances with a public address)
    t.integer('keepalive') // seconds, PersistentKeepalive others use towards it
    ts(t, 'key_created_at').notNullable()
    ts(t, 'revoked_at')
    t.uuid('setup_key_id')
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'id'])
    // Never two live peers on one address: concurrent creations that pick the same one collide here and retry.
    t.unique(['tenant_id', 'network_id', 'host_index'])
    t.unique(['tenant_id', 'public_key']) // status reports name peers by key: one peer per key in a tenant
    t.unique(['tenant_id', 'network_id', 'device_id']) // an appliance joins a network once (nulls are distinct)
    t.index(['tenant_id', 'network_id', 'name'])
    t.foreign(['tenant_id', 'network_id']).references(['tenant_id', 'id']).inTable('vpn_networks').onDelete('CASCADE')
  })

  await tenantTable(knex, 'vpn_groups', t => {
    t.uuid('id').notNullable()
    t.uuid('network_id').notNullable()
    t.string('name', 100).notNullable()
    t.string('name_key', 100).notNullable()
    t.string('description', 500)
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'network_id', 'name_key'])
    t.foreign(['tenant_id', 'network_id']).references(['tenant_id', 'id']).inTable('vpn_networks').onDelete('CASCADE')
  })

  await tenantTable(knex, 'vpn_group_members', t => {
    t.uuid('group_id').notNullable()
    t.uuid('peer_id').notNullable()
    t.primary(['tenant_id', 'group_id', 'peer_id'])
    t.index(['tenant_id', 'peer_id'])
    t.foreign(['tenant_id', 'group_id']).references(['tenant_id', 'id']).inTable('vpn_groups').onDelete('CASCADE')
    t.foreign(['tenant_id', 'peer_id']).references(['tenant_id', 'id']).inTable('vpn_peers').onDelete('CASCADE')
  })

  await tenantTable(knex, 'vpn_policies', t => {
    t.uuid('id').notNullable()
    t.uuid('network_id').notNullable()
    t.string('name', 100).notNullable()
    t.string('description', 500)
    t.uuid('source_group_id').notNullable()
    t.uuid('destination_group_id').notNullable()
    t.string('protocol', 8).notNullable() // all | tcp | udp | icmp
    t.jsonb('ports').notNullable().defaultTo('[]') // [] = every port; items "22" or "8000-8100"
    t.boolean('bidirectional').notNullable().defaultTo(false)
    t.boolean('enabled').notNullable().defaultTo(true)
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'network_id'])
    t.foreign(['tenant_id', 'network_id']).references(['tenant_id', 'id']).inTable('vpn_networks').onDelete('CASCADE')
    t.foreign(['tenant_id', 'source_group_id']).references(['tenant_id', 'id']).inTable('vpn_groups').onDelete('CASCADE')
    t.foreign(['tenant_id', 'destination_group_id']).references(['tenant_id', 'id']).inTable('vpn_groups').onDelete('CASCADE')
  })

  await tenantTable(knex, 'vpn_routes', t => {
    t.uuid('id').notNullable()
    t.uuid('network_id').notNullable()
    t.uuid('peer_id').notNullable() // the router
    t.string('kind', 8).notNullable() // subnet | exit
    t.string('cidr', 43).notNullable()
    t.jsonb('group_ids').notNullable().defaultTo('[]') // who may use it
    t.string('description', 500)
    t.boolean('enabled').notNullable().defaultTo(true)
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'network_id', 'peer_id', 'cidr'])
    t.foreign(['tenant_id', 'network_id']).references(['tenant_id', 'id']).inTable('vpn_networks').onDelete('CASCADE')
    t.foreign(['tenant_id', 'peer_id']).references(['tenant_id', 'id']).inTable('vpn_peers').onDelete('CASCADE')
  })

  await tenantTable(knex, 'vpn_setup_keys', t => {
    t.uuid('id').notNullable()
    t.uuid('network_id').notNullable()
    t.string('name', 100).notNullable()
    t.string('key_hash', 64).notNullable() // sha256 hex of the secret; the secret is shown once
    t.string('prefix', 16).notNullable() // shown in lists to recognise a key
    t.boolean('reusable').notNullable()
    t.integer('usage_limit') // null: unlimited (reusable keys only)
    t.integer('used_count').notNullable().defaultTo(0)
    t.jsonb('auto_group_ids').notNullable().defaultTo('[]')
    ts(t, 'expires_at').notNullable()
    ts(t, 'revoked_at')
    ts(t, 'last_used_at')
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'key_hash'])
    t.foreign(['tenant_id', 'network_id']).references(['tenant_id', 'id']).inTable('vpn_networks').onDelete('CASCADE')
  })

  // Live status per peer, from appliances' vpn_status reports.
  await tenantTable(knex, 'vpn_peer_status', t => {
    t.uuid('peer_id').notNullable()
    t.string('status', 16).notNullable() // connected | disconnected
    ts(t, 'last_handshake_at')
    t.bigInteger('rx_bytes').notNullable().defaultTo(0)
    t.bigInteger('tx_bytes').notNullable().defaultTo(0)
    t.string('endpoint', 64)
    ts(t, 'changed_at').notNullable()
    ts(t, 'reported_at').notNullable()
    t.boolean('flapping').notNullable().defaultTo(false)
    ts(t, 'flapping_since')
    t.primary(['tenant_id', 'peer_id'])
    t.foreign(['tenant_id', 'peer_id']).references(['tenant_id', 'id']).inTable('vpn_peers').onDelete('CASCADE')
  })

  // Online history: one row per connected interval; disconnected_at null while it lasts.
  await tenantTable(knex, 'vpn_peer_sessions', t => {
    t.uuid('id').notNullable()
    t.uuid('peer_id').notNullable()
    ts(t, 'connected_at').notNullable()
    ts(t, 'disconnected_at')
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'peer_id', 'connected_at'])
    t.foreign(['tenant_id', 'peer_id']).references(['tenant_id', 'id']).inTable('vpn_peers').onDelete('CASCADE')
  })

  // Traffic samples (cumulative counters as reported) for the peer page's chart.
  await tenantTable(knex, 'vpn_peer_traffic', t => {
    t.uuid('peer_id').notNullable()
    ts(t, 'at').notNullable()
    t.bigInteger('rx_bytes').notNullable()
    t.bigInteger('tx_bytes').notNullable()
    t.primary(['tenant_id', 'peer_id', 'at'])
    t.foreign(['tenant_id', 'peer_id']).references(['tenant_id', 'id']).inTable('vpn_peers').onDelete('CASCADE')
  })

  // What each appliance was last told to apply: its rendered wg-quick config and firewall rules,
  // served at GET /api/v1/devices/self/vpn/config without compiling the network per fetch. A
  // change re-renders the network and sends vpn.apply only to appliances whose config changed.
  await tenantTable(knex, 'vpn_appliance_configs', t => {
    t.uuid('peer_id').notNullable()
    t.uuid('device_id').notNullable()
    t.text('config').notNullable()
    t.text('firewall').notNullable()
    t.string('config_hash', 64).notNullable()
    t.uuid('command_id')
    ts(t, 'rendered_at').notNullable()
    t.primary(['tenant_id', 'peer_id'])
    t.index(['tenant_id', 'device_id'])
    t.foreign(['tenant_id', 'peer_id']).references(['tenant_id', 'id']).inTable('vpn_peers').onDelete('CASCADE')
  })
}
